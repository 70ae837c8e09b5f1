import type { Bundle, Identifier, Patient, Resource } from '@medplum/fhirtypes';
import type {
  CreateOptions,
  EhrClient,
  EhrFailure,
  EhrResult,
  WriteReceipt,
} from '../../../shared/ports/ehr-client.js';

type Operation = 'search' | 'create' | 'update';

interface Fault {
  operation: Operation;
  resourceType: string;
  failure: EhrFailure;
  /** Apply the write before failing: the EHR stored it but the answer was lost. */
  applyWrite: boolean;
}

export interface Call {
  operation: Operation | 'transaction';
  resourceType: string;
  ifNoneExist?: string;
}

const matches = (identifiers: Identifier[] | undefined, tokens: string[]): boolean =>
  (identifiers ?? []).some((i) => tokens.includes(`${i.system}|${i.value}`));

/**
 * An in-memory EHR for delivery unit tests: stores resources, searches by
 * identifier token, honours `If-None-Exist` only when `conditionalCreate` (an
 * Epic-like EHR ignores it and creates duplicates), answers transactions with
 * 501 like an EHR without them, and fails the next matching call on demand.
 */
export class FakeEhr implements EhrClient {
  readonly calls: Call[] = [];
  private readonly stored: Resource[] = [];
  private readonly faults: Fault[] = [];
  private nextId = 1;

  constructor(private readonly conditionalCreate: boolean) {}

  /** Makes the next `operation` on `resourceType` fail with `failure`. */
  failNext(operation: Operation, resourceType: string, failure: EhrFailure, applyWrite = false): void {
    this.faults.push({ operation, resourceType, failure, applyWrite });
  }

  /** Puts a resource in the EHR as if someone else had created it. */
  seed<T extends Resource>(resource: T): T & { id: string } {
    const stored = { ...resource, id: `${resource.resourceType.toLowerCase()}-${this.nextId++}` };
    this.stored.push(stored);
    return stored;
  }

  all<T extends Resource>(resourceType: T['resourceType']): T[] {
    return this.stored.filter((r): r is T => r.resourceType === resourceType);
  }

  findPatientByIdentifier(tokens: readonly string[]): Promise<EhrResult<Patient[]>> {
    return this.searchByIdentifier<Patient>('Patient', tokens.join(','));
  }

  async searchByIdentifier<T extends Resource>(
    type: T['resourceType'],
    token: string,
  ): Promise<EhrResult<T[]>> {
    this.calls.push({ operation: 'search', resourceType: type });
    const fault = this.takeFault('search', type);
    if (fault) return fault.failure;
    return { kind: 'ok', status: 200, value: this.find<T>(type, token.split(',')) };
  }

  async create<T extends Resource>(
    resource: T,
    options: CreateOptions = {},
  ): Promise<EhrResult<WriteReceipt>> {
    const { resourceType } = resource;
    this.calls.push({ operation: 'create', resourceType, ...options });
    const fault = this.takeFault('create', resourceType);
    if (fault && !fault.applyWrite) return fault.failure;
    const query = options.ifNoneExist ? new URLSearchParams(options.ifNoneExist).get('identifier') : null;
    const existing =
      this.conditionalCreate && query ? this.find(resourceType, query.split(','))[0] : undefined;
    const id = existing?.id ?? this.seed(resource).id;
    if (fault) return fault.failure;
    return { kind: 'ok', status: existing ? 200 : 201, value: { id, status: existing ? 200 : 201 } };
  }

  async update<T extends Resource>(resource: T & { id: string }): Promise<EhrResult<WriteReceipt>> {
    this.calls.push({ operation: 'update', resourceType: resource.resourceType });
    const fault = this.takeFault('update', resource.resourceType);
    if (fault && !fault.applyWrite) return fault.failure;
    const index = this.stored.findIndex(
      (r) => r.resourceType === resource.resourceType && r.id === resource.id,
    );
    if (index < 0) return { kind: 'rejected', status: 404 };
    this.stored[index] = resource;
    return fault?.failure ?? { kind: 'ok', status: 200, value: { id: resource.id, status: 200 } };
  }

  async transaction(_bundle: Bundle): Promise<EhrResult<Bundle>> {
    this.calls.push({ operation: 'transaction', resourceType: 'Bundle' });
    return { kind: 'rejected', status: 501 };
  }

  private find<T extends Resource>(type: string, tokens: string[]): T[] {
    return this.stored.filter(
      (r): r is T =>
        r.resourceType === type && matches((r as { identifier?: Identifier[] }).identifier, tokens),
    );
  }

  private takeFault(operation: Operation, resourceType: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.operation === operation && f.resourceType === resourceType);
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }
}
