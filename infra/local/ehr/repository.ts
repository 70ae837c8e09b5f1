import type { SearchRequest, WithId } from '@medplum/core';
import {
  badRequest,
  deepClone,
  matchesSearchRequest,
  OperationOutcomeError,
  Operator,
  validateResource,
} from '@medplum/core';
import type { CreateResourceOptions, RepositoryMode, UpdateResourceOptions } from '@medplum/fhir-router';
import { FhirRepository, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, Reference, Resource } from '@medplum/fhirtypes';
import { IdentifierIndex } from './identifier-index.js';
import { checkProfileRules } from './profile-rules.js';
import type { EhrProfile } from './profiles.js';

type Undo = () => Promise<void>;

/**
 * Medplum's `MemoryRepository` with what a real EHR adds in front of storage:
 * `validateResource` on every create and update, the active profile's business
 * rules, server-assigned ids and versions on create, and transactions that roll
 * back (the memory repository runs them without isolation or undo).
 *
 * Writes must be serialised by the caller (the HTTP layer holds a write lock):
 * conditional create is then race-free.
 */
export class SandboxRepository extends FhirRepository<undefined> {
  readonly #store = new MemoryRepository();
  readonly #types = new Set<string>();
  readonly #identifiers = new IdentifierIndex();
  readonly #profile: () => EhrProfile;
  #journal: Undo[] | undefined;

  constructor(profile: () => EhrProfile) {
    super();
    this.#profile = profile;
  }

  setMode(_mode: RepositoryMode): void {}

  generateId(): string {
    return this.#store.generateId();
  }

  /**
   * Validates, applies profile rules, then stores a new resource. Client-sent ids and
   * version metadata are replaced unless the batch processor assigned the id.
   * @throws OperationOutcomeError (400 invalid, 422 profile rule).
   */
  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    const candidate = deepClone(resource);
    if (!options?.assignedId) delete candidate.id;
    if (candidate.meta) {
      delete candidate.meta.versionId;
      delete candidate.meta.lastUpdated;
    }
    await this.#check(candidate);
    const stored = await this.#store.createResource(candidate);
    this.#identifiers.put(stored);
    this.#remember(stored.resourceType, stored.id, undefined);
    return stored;
  }

  /** @throws OperationOutcomeError (400 invalid, 412 version mismatch, 422 profile rule). */
  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    if (!resource.id) throw new OperationOutcomeError(badRequest('Missing id'));
    await this.#check(resource);
    const previous = await this.#current(resource.resourceType, resource.id);
    const stored = await this.#store.updateResource(resource, options);
    this.#identifiers.put(stored);
    this.#remember(stored.resourceType, stored.id, previous);
    return stored;
  }

  async deleteResource(resourceType: string, id: string): Promise<void> {
    const previous = await this.#current(resourceType, id);
    await this.#store.deleteResource(resourceType, id);
    this.#identifiers.drop(resourceType, id);
    this.#remember(resourceType, id, previous);
  }

  /** PATCH is not offered by the sandbox (it would bypass validation). */
  patchResource<T extends Resource>(): Promise<WithId<T>> {
    return Promise.reject(new OperationOutcomeError(badRequest('PATCH is not supported')));
  }

  readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    return this.#store.readResource(resourceType, id) as Promise<WithId<T>>;
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return this.#store.readReference(reference);
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return this.#store.readReferences(references);
  }

  readHistory<T extends Resource>(resourceType: string, id: string): Promise<Bundle<WithId<T>>> {
    return this.#store.readHistory(resourceType, id) as Promise<Bundle<WithId<T>>>;
  }

  readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    return this.#store.readVersion(resourceType, id, vid) as Promise<WithId<T>>;
  }

  /** Searches; an `identifier` equality filter is answered from the index, the rest by Medplum's matcher. */
  async search<T extends Resource>(searchRequest: SearchRequest<T>): Promise<Bundle<WithId<T>>> {
    const { resourceType, filters, sortRules, offset = 0, count } = searchRequest;
    const byIdentifier = filters?.find((f) => f.code === 'identifier' && f.operator === Operator.EQUALS);
    const ids =
      byIdentifier && !sortRules?.length && this.#identifiers.candidates(resourceType, byIdentifier.value);
    if (!ids) return this.#store.search(searchRequest);
    const matches: WithId<T>[] = [];
    for (const id of ids) {
      const resource = await this.#store.readResource<WithId<T>>(resourceType, id);
      if (matchesSearchRequest(resource, searchRequest as SearchRequest)) matches.push(resource);
    }
    const page = matches.slice(offset, count === undefined ? undefined : offset + count);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(page.length > 0 ? { entry: page.map((resource) => ({ resource })) } : {}),
      total: matches.length,
    };
  }

  searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    return this.#store.searchByReference(searchRequest, referenceField, references);
  }

  /**
   * Runs a transaction; when the callback throws, every write it made is undone
   * (created resources removed, updated or deleted ones restored). Nested calls join
   * the outer transaction.
   */
  async withTransaction<TResult>(callback: (client: undefined) => Promise<TResult>): Promise<TResult> {
    if (this.#journal) return callback(undefined);
    const journal: Undo[] = [];
    this.#journal = journal;
    try {
      return await callback(undefined);
    } catch (error) {
      for (const undo of journal.reverse()) await undo();
      throw error;
    } finally {
      this.#journal = undefined;
    }
  }

  /** Number of current (not deleted) resources per type. */
  async countByType(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const resourceType of [...this.#types].sort()) {
      const bundle = await this.#store.search({ resourceType, count: 0, total: 'accurate' } as SearchRequest);
      if (bundle.total) counts[resourceType] = bundle.total;
    }
    return counts;
  }

  /** Forgets every stored resource. */
  clear(): void {
    this.#store.clear();
    this.#types.clear();
    this.#identifiers.clear();
  }

  async #check(resource: Resource): Promise<void> {
    validateResource(resource);
    await checkProfileRules(resource, this.#profile(), (type, id) => this.#store.readResource(type, id));
  }

  #current(resourceType: string, id: string): Promise<Resource | undefined> {
    return this.#store.readResource(resourceType, id).catch(() => undefined);
  }

  #remember(resourceType: string, id: string, previous: Resource | undefined): void {
    this.#types.add(resourceType);
    this.#journal?.push(async () => {
      if (previous) {
        this.#identifiers.put(await this.#store.createResource(previous));
      } else {
        await this.#store.deleteResource(resourceType, id).catch(() => undefined);
        this.#identifiers.drop(resourceType, id);
      }
    });
  }
}
