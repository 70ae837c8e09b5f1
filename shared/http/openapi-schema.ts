import * as z from 'zod';

type Json = Record<string, unknown>;

/** Keys under which a JSON Schema holds named members, not keywords (a property may be called `example`). */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/** Where zod puts schemas with a `.meta({ id })` that sit inside a component without being one. */
const SHARED = '#/components/schemas/__shared#/$defs/';

/**
 * A zod-generated JSON Schema made valid for draft 2020-12 and OpenAPI 3.1:
 * `example` (which zod copies from `.meta()` and strict validators refuse)
 * becomes `examples`, and a component loses the `$schema` and fragment-only
 * `$id` zod gives it (an `$id` would re-base every `$ref` inside it; a component
 * is identified by where it sits in the document).
 */
export function normalizeSchema(schema: unknown, isComponent = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => normalizeSchema(s));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (isComponent && (key === '$schema' || key === '$id')) continue;
    if (key === 'example') {
      out.examples = [value];
    } else if (key === '$ref' && typeof value === 'string' && value.startsWith(SHARED)) {
      out.$ref = `#/components/schemas/${value.slice(SHARED.length)}`;
    } else if (NAME_MAPS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSchema(v)]));
    } else {
      out[key] = normalizeSchema(value);
    }
  }
  return out;
}

/** A parameter as OpenAPI declares it. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: unknown;
}

/**
 * The OpenAPI parameters of a zod object schema (the very schema the handler
 * parses with), each property with its constraints; `description` moves from
 * the schema to the parameter. Path parameters are always required.
 */
export function parametersOf(schema: z.ZodObject, where: ParameterObject['in']): ParameterObject[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: normalizeSchema(rest),
    };
  });
}

/**
 * Component schemas of the named zod schemas, generated together so that one
 * referring to another gets a `$ref` to `#/components/schemas/<name>`. A schema
 * with a `.meta({ id })` nested in one of them becomes a component of its own.
 *
 * @throws Error when a nested schema's id is already taken by another component.
 */
export function componentSchemas(named: ReadonlyMap<z.ZodType, string>): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const { __shared, ...top } = schemas;
  const nested = (__shared?.$defs ?? {}) as Record<string, unknown>;
  for (const id of Object.keys(nested)) {
    if (id in top) throw new Error(`two schemas are named ${id}: give one another .meta({ id })`);
  }
  return Object.fromEntries(
    Object.entries({ ...top, ...nested }).map(([id, s]) => [id, normalizeSchema(s, true)]),
  );
}
