import type { Receipt } from '../domain/event/schema.js';
import type { LedgerEntry, ShardHead, UnsealedEntry } from '../domain/ledger/entry.js';
import type { SealableChain } from './sealable-chain.js';

/** Which entries to return. Time range is `[from, to)`; corridor names jurisdiction (cell) ids. */
export interface LedgerFilter {
  from?: Date;
  to?: Date;
  kind?: LedgerEntry['kind'];
  decision?: LedgerEntry['decision'];
  corridor?: { from: string; to: string };
  noteId?: string;
  patientRef?: string;
}

export interface LedgerPageRequest {
  limit: number;
  /** Opaque; from a previous page's `nextCursor`. */
  cursor?: string;
  /** Oldest first unless `desc`. */
  order?: 'asc' | 'desc';
}

export interface LedgerPage {
  entries: LedgerEntry[];
  /** Present when more entries may match. */
  nextCursor?: string;
}

/** A movement recorded once under an idempotency key (a forwarded note's webhook-id): PHI-free. */
export interface RecordedMovement {
  /** Keyed hash of the body that moved, to tell a repeat from a reused key. */
  bodyHash: string;
  /** What the receiving cell answered. */
  receipt: Receipt;
}

/**
 * The transfers ledger of one cell: N shards, each its own hash chain.
 * Every method throws AppError('storage-unavailable') when the store fails.
 */
export interface LedgerStore extends SealableChain {
  readonly name: 'ledger';
  /** Seals and appends entries (retrying contended heads); returns them sealed. */
  append(entries: readonly UnsealedEntry[]): Promise<LedgerEntry[]>;
  /**
   * Appends entries together with `recorded` under an idempotency `key`, in one
   * transaction, unless that key was recorded already (then nothing is written).
   *
   * @returns true when appended, false when the key existed.
   */
  appendOnce(key: string, entries: readonly UnsealedEntry[], recorded: RecordedMovement): Promise<boolean>;
  /** What was recorded under `key`, if anything (and not yet expired). */
  recordedMovement(key: string): Promise<RecordedMovement | undefined>;
  /** A shard's entries in seq order, from `fromSeq` (inclusive), at most `limit` (all when absent). */
  readShard(shard: number, options?: { fromSeq?: number; limit?: number }): Promise<LedgerEntry[]>;
  /** Every shard's head, as recorded by the store (seq 0 for an empty shard). */
  heads(): Promise<ShardHead[]>;
  /**
   * One page of matching entries in time order.
   *
   * @throws AppError('invalid-request') for a cursor this store did not issue.
   */
  query(filter: LedgerFilter, page: LedgerPageRequest): Promise<LedgerPage>;
  /** Every matching entry in time order, fetched page by page (for exports). */
  entries(filter: LedgerFilter): AsyncIterable<LedgerEntry>;
}
