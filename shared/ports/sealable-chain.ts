import type { ChainFields } from '../domain/ledger/chain.js';
import type { ShardHead } from '../domain/ledger/entry.js';
import type { SealedChainName } from '../domain/seal/digest.js';

/** A chained record as sealing reads it: position, hashes, time; every other field is hashed. */
export type ChainRecord = ChainFields & { at: string };

/** A stored item that claims to belong to a chain but is not where the chain's layout puts it. */
export interface StrayItem {
  /** `pk / sk` of the item: ids only. */
  key: string;
  reason: string;
}

/** Everything the table holds for one chain family, as verification needs it. */
export interface ChainInventory {
  /** Records of each known shard partition (0..shardCount-1), in seq order. */
  shards: Map<number, ChainRecord[]>;
  /** HEAD items as recorded. */
  heads: Map<number, ShardHead>;
  /**
   * Items in the family's partitions or index that verification cannot place: a
   * partition beyond the configured shards, a sort key that is neither HEAD nor its
   * record's seq, index attributes that disagree with the record (so readers would
   * show or hide it differently from verification), a HEAD with extra attributes.
   */
  strays: StrayItem[];
}

/**
 * A hash-chained record family of a cell (the transfers ledger, the HIM audit log)
 * as sealing and verification see it. Every method throws
 * AppError('storage-unavailable') when the store fails.
 */
export interface SealableChain {
  readonly name: SealedChainName;
  readonly cellId: string;
  readonly shardCount: number;
  /** Every shard's recorded head (seq 0 for an empty shard). */
  heads(): Promise<ShardHead[]>;
  /** A shard's records in seq order from `fromSeq` (inclusive), at most `limit`. */
  readShard(shard: number, options?: { fromSeq?: number; limit?: number }): Promise<ChainRecord[]>;
  /** Reads every item of the family (a consistent scan of its partitions and index). */
  inventory(): Promise<ChainInventory>;
}
