import type { IssueSummary } from '../fhir/operation-outcome.js';
import type { StepRecord } from './attempt.js';
import type { ResourceIds } from './deliver-note.js';
import type { ParkReason } from './plan.js';

export type NoteEventKind = 'finalized' | 'amended' | 'retracted';

/** Where a note version's delivery stands. */
export type DeliveryState = 'pending' | 'retrying' | 'waiting' | 'delivered' | 'parked';

/** Identifies one note event (a retraction has its own item beside the version it retracts). */
export interface OutboxKey {
  senderId: string;
  noteId: string;
  version: number;
  eventKind: NoteEventKind;
}

/** Why an item was parked: an EHR verdict, or a local one reached before any EHR call. */
export type ItemParkReason = ParkReason | 'transfer-denied' | 'target-not-configured';

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
  parkReason?: ItemParkReason;
  operationOutcome?: IssueSummary[];
  updatedAt?: string;
  /**
   * What the retention sweeper noted, so later runs pass the item by (docs/retention.md):
   * its ciphertext is gone and its history waits for its own period, or it is the note's
   * newest history, kept past its period.
   */
  retentionMark?: 'ciphertext-gone' | 'newest-kept';
}
