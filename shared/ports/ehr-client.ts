import type { Bundle, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';

/**
 * The closed set of outcomes of one EHR request, the only vocabulary the
 * delivery worker decides by:
 * - `ok`: the EHR answered 2xx.
 * - `rejected`: 4xx other than 401/408/429; permanent, the EHR's OperationOutcome kept.
 * - `throttled`: 429; `retryAfterMs` from `Retry-After` when sent.
 * - `unavailable`: the EHR (or its token endpoint) could not take the request and
 *   nothing was written: connection refused, 503, any 5xx or timeout of a read.
 * - `unknown-outcome`: a write whose fate is unknown (timeout, connection reset,
 *   5xx other than 503 after the body was sent): it may have happened.
 * - `unauthorized`: 401 even after a fresh token, or the token endpoint refused us.
 */
export type EhrOutcomeKind =
  | 'ok'
  | 'rejected'
  | 'throttled'
  | 'unavailable'
  | 'unknown-outcome'
  | 'unauthorized';

/** A failed request, classified. Carries no PHI except inside `operationOutcome` (see its note). */
export type EhrFailure =
  | {
      kind: 'rejected';
      status: number;
      /** As the EHR sent it: may echo PHI, so store it encrypted and log only its summary. */
      operationOutcome?: OperationOutcome;
    }
  | { kind: 'throttled'; status: number; retryAfterMs?: number }
  | { kind: 'unavailable'; status?: number; retryAfterMs?: number; reason: string }
  | { kind: 'unknown-outcome'; status?: number; reason: string }
  | { kind: 'unauthorized'; status?: number; reason: string };

/** Result of one EHR request: a value on `ok`, else the classified failure. */
export type EhrResult<T> = { kind: 'ok'; status: number; value: T } | EhrFailure;

/** What a create or update tells about the stored resource. */
export interface WriteReceipt {
  id: string;
  versionId?: string;
  location?: string;
  /** 201 for a new resource; 200 when `If-None-Exist` matched an existing one (or for an update). */
  status: number;
}

export interface CreateOptions {
  /** Conditional create: a search query such as `identifier=sys|val`; the EHR must support it. */
  ifNoneExist?: string;
}

/**
 * The FHIR R4 operations the delivery worker needs from an EHR. Implementations
 * never throw for EHR or network failures: they return a classified `EhrResult`.
 */
export interface EhrClient {
  /** Patients matching any of the `system|value` tokens (OR-ed). */
  findPatientByIdentifier(tokens: readonly string[]): Promise<EhrResult<Patient[]>>;
  /** Resources of `type` carrying the identifier token `system|value`. */
  searchByIdentifier<T extends Resource>(type: T['resourceType'], token: string): Promise<EhrResult<T[]>>;
  create<T extends Resource>(resource: T, options?: CreateOptions): Promise<EhrResult<WriteReceipt>>;
  /** Replaces the resource `resource.id` (PUT); idempotent by nature. */
  update<T extends Resource>(resource: T & { id: string }): Promise<EhrResult<WriteReceipt>>;
  transaction(bundle: Bundle): Promise<EhrResult<Bundle>>;
}

/** A source of bearer tokens (the SMART Backend Services client). */
export interface AccessTokenSource {
  /**
   * A valid access token, cached or fresh.
   * @throws AppError `unauthorized` when the token endpoint refuses the client,
   * or `internal` with `extensions.transient = true` when it cannot be reached.
   */
  getToken(): Promise<string>;
  /** Drops `token` from the cache after the EHR answered 401 to it. */
  invalidate(token: string): void;
}
