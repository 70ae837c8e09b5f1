import * as z from 'zod';
import type { ErrorCode } from '../domain/errors.js';
import { VisitNoteEvent } from '../domain/event/schema.js';
import { componentSchemas, normalizeSchema, parametersOf } from './openapi-schema.js';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, problemType } from './problem.js';

/** RFC 9457 problem details, as every error of the API is answered. */
export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `type` is stable per cause' });

/** The published JSON Schema of the v1 event, generated from the zod definition. */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    ...(normalizeSchema(z.toJSONSchema(VisitNoteEvent, { io: 'input', unrepresentable: 'any' })) as object),
    $id: 'https://visitbridge.dev/schemas/visit-note-event.v1.json',
  };
}

/** A success answer of an operation: a JSON body (`schema`), a body in other `media` types, or either. */
export interface SuccessResponse {
  status: number;
  description: string;
  schema?: z.ZodType;
  media?: readonly string[];
  headers?: Record<string, { description: string; schema: unknown }>;
}

/**
 * One operation of a cell's API, as the function serving it declares it. The
 * OpenAPI document is generated from these and the zod schemas they name (the
 * ones the handlers parse with), never written by hand.
 */
export interface OperationSpec {
  method: 'GET' | 'POST';
  /** Path on a cell's base URL with `{name}` parameters, e.g. `/v1/him/ledger`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Security requirement; `[]` when the operation checks its caller itself (a signature). */
  security: ReadonlyArray<Record<string, string[]>>;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  success: readonly SuccessResponse[];
  /** Every problem code the operation may answer with. */
  errors: readonly ErrorCode[];
  /** Vendor extensions such as `x-roles`. */
  extensions?: Record<string, unknown>;
}

/** Everything a cell's OpenAPI document is generated from. */
export interface ApiDescription {
  operations: readonly OperationSpec[];
  tags: ReadonlyArray<{ name: string; description: string }>;
  securitySchemes: Record<string, unknown>;
  /** Where the API is; the local stack passes one server per cell it serves. */
  servers: ReadonlyArray<{ url: string; description: string; variables?: Record<string, unknown> }>;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The problem answers of a set of codes, one response per status naming each cause's `type`. */
function problemResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const { status } = PROBLEMS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `${PROBLEMS[c].title} (\`${problemType(c)}\`)`).join('; '),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
      },
    ]),
  );
}

/** Names every body schema: its `.meta({ id })`, else derived from the operation. */
function nameSchemas(operations: readonly OperationSpec[]): Map<z.ZodType, string> {
  const named = new Map<z.ZodType, string>([[ProblemDetails, 'Problem']]);
  const nameOf = (schema: z.ZodType, fallback: string) => {
    if (!named.has(schema)) named.set(schema, String(schema.meta()?.id ?? fallback));
  };
  for (const op of operations) {
    const base = op.operationId.charAt(0).toUpperCase() + op.operationId.slice(1);
    if (op.body) nameOf(op.body, `${base}Request`);
    for (const s of op.success) if (s.schema) nameOf(s.schema, `${base}Response${s.status}`);
  }
  return named;
}

/** Media types whose bodies are bytes, not text. */
const BINARY_MEDIA = ['application/pdf', 'application/zip'];

function successResponse(s: SuccessResponse, named: Map<z.ZodType, string>) {
  const content = {
    ...(s.schema ? { 'application/json': { schema: ref(named.get(s.schema) as string) } } : {}),
    ...Object.fromEntries(
      (s.media ?? []).map((m) => [
        m,
        { schema: BINARY_MEDIA.includes(m) ? { type: 'string', format: 'binary' } : { type: 'string' } },
      ]),
    ),
  };
  return {
    description: s.description,
    ...(s.headers ? { headers: s.headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function operationObject(op: OperationSpec, named: Map<z.ZodType, string>): Record<string, unknown> {
  const templated = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const declared = op.pathParams ? parametersOf(op.pathParams, 'path') : [];
  const pathParams = templated.map(
    (name) =>
      declared.find((p) => p.name === name) ?? {
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      },
  );
  const parameters = [
    ...pathParams,
    ...(op.query ? parametersOf(op.query, 'query') : []),
    ...(op.headers ? parametersOf(op.headers, 'header') : []),
  ];
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    security: op.security,
    ...op.extensions,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            // jsonBody() reads an absent body as {}: optional when the schema accepts that.
            required: !op.body.safeParse({}).success,
            content: { 'application/json': { schema: ref(named.get(op.body) as string) } },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(op.success.map((s) => [String(s.status), successResponse(s, named)])),
      ...problemResponses(op.errors),
    },
  };
}

/**
 * OpenAPI 3.1 of a cell's API: every operation the functions declare, with
 * parameters, bodies and answers generated from their zod schemas.
 */
export function openApiDocument(api: ApiDescription): Record<string, unknown> {
  const named = nameSchemas(api.operations);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of api.operations) {
    paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: operationObject(op, named) };
  }
  const problemTypes = Object.entries(PROBLEMS).map(
    ([code, spec]) => `- \`${problemType(code as ErrorCode)}\` (${spec.status}): ${spec.title}`,
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'visitbridge cell API',
      version: '1.0.0',
      description: `Signed visit-note webhooks (Standard Webhooks) into a residency cell, and the cell's HIM review API.\n\nEvery error is \`${PROBLEM_CONTENT_TYPE}\` (RFC 9457) with a stable \`type\`:\n${problemTypes.join('\n')}`,
    },
    servers: api.servers,
    tags: api.tags,
    paths,
    components: { schemas: componentSchemas(named), securitySchemes: api.securitySchemes },
  };
}
