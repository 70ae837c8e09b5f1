import type { StepRecord } from '../domain/delivery/attempt.js';
import type { ResourceIds } from '../domain/delivery/deliver-note.js';
import type { ParkReason } from '../domain/delivery/plan.js';
import type { IssueSummary } from '../domain/fhir/operation-outcome.js';
import type { NoteEventKind } from './note-store.js';

/** Where a note version's delivery stands. */
export type DeliveryState = 'pending' | 'retrying' | 'waiting' | 'delivered' | 'parked';

/** Identifies one note event (a retraction has its own item beside the version it retracts). */
export interface OutboxKey {
  senderId: string;
  noteId: string;
  version: number;
  eventKind: NoteEventKind;
}

/** The delivery outbox item of one note event: PHI-free. */
export interface OutboxItem extends OutboxKey {
  state: DeliveryState;
  tenant: string;
  cell: string;
  ehrTarget: string;
  encounterRef: string;
  /** Keyed hash of the patient: deliveries of one patient run one at a time (no duplicate Patient on EHRs without conditional create). */
  patientRef?: string;
  receivedAt: string;
  /** Attempts made so far; the item's optimistic-lock version too. */
  attempts: number;
  /** Attempts since the last HIM replay: what the retry budget counts. */
  attemptsSinceReplay: number;
  /** Writes that deferred an attempt (circuit open); keeps the stream moving without spending attempts. */
  deferrals: number;
  nextAttemptAt?: string;
  resourceIds?: ResourceIds;
  lastAttempt?: StepRecord;
  /** Every attempt, in order (time, step, outcome, HTTP status): no PHI. */
  history: StepRecord[];
  deliveredAt?: string;
  parkedAt?: string;
  parkReason?: ParkReason | 'transfer-denied' | 'target-not-configured';
  operationOutcome?: IssueSummary[];
  updatedAt?: string;
}

/** The result of one attempt, written only if nobody else wrote since the item was read. */
export type AttemptUpdate =
  | {
      state: 'delivered';
      attempt: StepRecord;
      resourceIds: ResourceIds;
      deliveredAt: string;
      retentionDays: number;
    }
  | { state: 'retrying'; attempt: StepRecord; resourceIds: ResourceIds; nextAttemptAt: string }
  | { state: 'waiting'; attempt: StepRecord; resourceIds: ResourceIds }
  | {
      state: 'parked';
      attempt: StepRecord;
      resourceIds: ResourceIds;
      parkReason: NonNullable<OutboxItem['parkReason']>;
      operationOutcome?: IssueSummary[];
      parkedAt: string;
    };

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The delivery outbox of a cell. */
export interface Outbox {
  get(key: OutboxKey): Promise<OutboxItem | undefined>;
  /** Encrypted note of an outbox item. */
  ciphertext(key: OutboxKey): Promise<Uint8Array | undefined>;
  /** Every outbox item of one note (all versions and retractions), read consistently in one call. */
  noteItems(senderId: string, noteId: string): Promise<OutboxItem[]>;
  /**
   * Records an attempt's result, conditional on `attempts` still being `expectedAttempts`.
   * @returns false when another writer got there first (the caller drops its result).
   */
  recordAttempt(
    key: OutboxKey,
    expectedAttempts: number,
    update: AttemptUpdate,
    at: string,
  ): Promise<boolean>;
  /** Moves an item on without spending an attempt (circuit open). */
  defer(key: OutboxKey, expectedDeferrals: number, nextAttemptAt: string, at: string): Promise<boolean>;
  /** Moves a `waiting` item back to `pending` (its predecessor has landed). */
  wake(key: OutboxKey, at: string): Promise<boolean>;
  /** Puts a parked item back in the queue with a fresh attempt budget (HIM replay). */
  requeue(key: OutboxKey, at: string): Promise<boolean>;
  listByState(
    state: DeliveryState,
    page: { limit: number; cursor?: string; from?: string; to?: string },
  ): Promise<Page<OutboxItem>>;
}
