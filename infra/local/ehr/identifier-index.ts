import type { Identifier, Resource } from '@medplum/fhirtypes';

const ref = (resourceType: string, id: string): string => `${resourceType}/${id}`;

function identifiersOf(resource: Resource): Identifier[] {
  const found: Identifier[] = [];
  const { identifier } = resource as { identifier?: Identifier | Identifier[] };
  if (Array.isArray(identifier)) found.push(...identifier);
  else if (identifier) found.push(identifier);
  if (resource.resourceType === 'DocumentReference' && resource.masterIdentifier) {
    found.push(resource.masterIdentifier);
  }
  return found;
}

/** Token keys the way Medplum matches them: case-insensitive, with and without system. */
function keysOf(identifier: Identifier): string[] {
  const value = identifier.value?.toLowerCase();
  if (!value) return [];
  const keys = [`|${value}`];
  if (identifier.system) keys.push(`${identifier.system.toLowerCase()}|${value}`);
  return keys;
}

/**
 * An index of identifiers to resource ids per type. Medplum's in-memory search
 * evaluates FHIRPath on every stored resource (about 1 s per identifier search at
 * 2,000 DocumentReferences); identifier look-ups are what a delivery worker does
 * before every retry, so they must stay fast.
 */
export class IdentifierIndex {
  readonly #byKey = new Map<string, Set<string>>();
  readonly #keysByResource = new Map<string, string[]>();

  put(resource: Resource & { id: string }): void {
    this.drop(resource.resourceType, resource.id);
    const keys = [...new Set(identifiersOf(resource).flatMap(keysOf))].map(
      (k) => `${resource.resourceType} ${k}`,
    );
    for (const key of keys) {
      const ids = this.#byKey.get(key) ?? new Set<string>();
      ids.add(resource.id);
      this.#byKey.set(key, ids);
    }
    this.#keysByResource.set(ref(resource.resourceType, resource.id), keys);
  }

  drop(resourceType: string, id: string): void {
    const keys = this.#keysByResource.get(ref(resourceType, id));
    for (const key of keys ?? []) this.#byKey.get(key)?.delete(id);
    this.#keysByResource.delete(ref(resourceType, id));
  }

  /**
   * Candidate ids for an `identifier` token filter value (comma-separated alternatives),
   * or undefined when the value has a form the index does not answer (system only, `|code`).
   */
  candidates(resourceType: string, filterValue: string): string[] | undefined {
    const ids = new Set<string>();
    for (const alternative of filterValue.split(',')) {
      const parts = alternative.toLowerCase().split('|');
      if (parts.length > 2 || (parts.length === 2 && (!parts[0] || !parts[1])) || !parts.at(-1))
        return undefined;
      const key = parts.length === 2 ? `${parts[0]}|${parts[1]}` : `|${parts[0]}`;
      for (const id of this.#byKey.get(`${resourceType} ${key}`) ?? []) ids.add(id);
    }
    return [...ids];
  }

  clear(): void {
    this.#byKey.clear();
    this.#keysByResource.clear();
  }
}
