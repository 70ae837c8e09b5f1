import type { NoteEventKind } from '../domain/delivery/outbox-item.js';
import type { Receipt } from '../domain/event/schema.js';

/** One accepted note version, as stored: ciphertext plus PHI-free metadata. */
export interface NoteVersionRecord {
  senderId: string;
  noteId: string;
  version: number;
  eventKind: NoteEventKind;
  tenant: string;
  cell: string;
  /** Keyed hash of the canonical event: tells a redelivery from a conflicting version. */
  contentHash: string;
  /** Keyed hash of the patient's identifiers. */
  patientRef: string;
  /** Keyed hash of the visit: delivery order is kept per encounter. */
  encounterRef: string;
  /** EHR target the note is delivered to. */
  ehrTarget: string;
  loincType: string;
  ciphertext: Uint8Array;
  keyId: string;
  /** The patient key that protects the ciphertext (named on the erasure certificate). */
  patientKeyId: string;
  webhookId: string;
  receipt: Receipt;
}

/** A webhook message already processed, by `webhook-id`. */
export interface MessageRecord {
  bodyHash: string;
  receipt: Receipt;
}

export type AcceptOutcome =
  | { status: 'accepted'; receipt: Receipt }
  | { status: 'duplicate'; receipt: Receipt }
  | { status: 'conflict'; reason: 'version-conflict' | 'webhook-id-reused' };

/**
 * A ledger entry still to be chained (seq and hashes are assigned by the store
 * inside the same transaction as the note). Opaque to the note store.
 */
export type PendingLedgerEntry = Record<string, unknown>;

export interface AcceptRequest {
  record: NoteVersionRecord;
  /** Hash of the raw body under the same `webhook-id`. */
  bodyHash: string;
  /** Transfers ledger entries written atomically with the note (inbound movements). */
  ledgerEntries: PendingLedgerEntry[];
}

/** What the sender may read about a note version's delivery (PHI-free). */
export interface DeliveryStatus {
  noteId: string;
  version: number;
  events: Array<{
    event: NoteEventKind;
    state: string;
    attempts: number;
    receivedAt: string;
    updatedAt?: string;
    deliveredAt?: string;
    ehrResource?: string;
    parkReason?: string;
  }>;
}

/** Where accepted notes live. One atomic write per accepted version. */
export interface NoteStore {
  deliveryStatus(senderId: string, noteId: string, version: number): Promise<DeliveryStatus | undefined>;
  /**
   * Writes the note version, its delivery outbox item, the `webhook-id` record and
   * the ledger entries in one transaction, or none of them.
   *
   * @throws AppError `storage-unavailable` when the table cannot be written.
   */
  accept(request: AcceptRequest): Promise<AcceptOutcome>;
}
