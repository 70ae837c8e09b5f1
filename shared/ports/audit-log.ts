import type { AuditEntry, UnsealedAuditEntry } from '../domain/audit/entry.js';
import type { ShardHead } from '../domain/ledger/entry.js';
import type { SealableChain } from './sealable-chain.js';

/** Time range `[from, to)` of an audit query. */
export interface AuditFilter {
  from?: Date;
  to?: Date;
  /** `him:<sub>`. */
  actor?: string;
  role?: string;
  action?: string;
  /** Entries whose target starts with this (`note:demo/n-1` for every event of that note). */
  target?: string;
  purpose?: string;
  outcome?: string;
  /** Every entry of one HIM action (the `X-HIM-Action` id). */
  actionId?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Present when more entries may match. */
  nextCursor?: string;
}

/**
 * The HIM audit log of one cell: hash chains (one per shard) of every HIM
 * action, appended with a conditional head so two writers cannot fork a chain.
 * Every method throws AppError('storage-unavailable') when the store fails.
 */
export interface AuditLog extends SealableChain {
  readonly name: 'audit';
  /** Seals and appends one entry (retrying a contended head); returns it sealed. */
  append(entry: UnsealedAuditEntry): Promise<AuditEntry>;
  /** A shard's entries in seq order, from `fromSeq` (inclusive), at most `limit` (all when absent). */
  readShard(shard: number, options?: { fromSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  /** Every shard's head as recorded by the store (seq 0 for an empty shard). */
  heads(): Promise<ShardHead[]>;
  /**
   * One page of entries in time order, newest first unless `order` is `asc`.
   *
   * @throws AppError('invalid-cursor') for a cursor this log did not issue.
   */
  query(
    filter: AuditFilter,
    page: { limit: number; cursor?: string; order?: 'asc' | 'desc' },
  ): Promise<AuditPage>;
}
