import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import type { ShardHead } from '../../../shared/domain/ledger/entry.js';
import type { SealedChainName } from '../../../shared/domain/seal/digest.js';
import type { ChainInventory, ChainRecord, SealableChain } from '../../../shared/ports/sealable-chain.js';

/**
 * A chain family in memory for sealing tests: records chained exactly as the DynamoDB
 * stores chain them, with a HEAD per shard that a test can set back (a truncation).
 */
export class MemoryChain implements SealableChain {
  readonly shards = new Map<number, ChainRecord[]>();
  readonly recordedHeads = new Map<number, ShardHead>();

  constructor(
    readonly name: SealedChainName,
    readonly cellId: string,
    readonly shardCount: number,
  ) {}

  /** Appends `count` records to `shard`, dated `at`. */
  append(shard: number, count: number, at = '2026-11-30T14:00:00.000Z'): void {
    const records = this.shards.get(shard) ?? [];
    const entries = Array.from({ length: count }, (_, i) => ({ at, note: `n${records.length + i + 1}` }));
    const { sealed, head } = sealEntries(this.recordedHeads.get(shard) ?? emptyHead(shard), entries);
    this.shards.set(shard, [...records, ...sealed]);
    this.recordedHeads.set(shard, head);
  }

  /** Drops records after `seq` and moves the HEAD back: what an insider's truncation looks like. */
  truncate(shard: number, seq: number): void {
    const kept = (this.shards.get(shard) ?? []).filter((r) => r.seq <= seq);
    this.shards.set(shard, kept);
    const last = kept.at(-1);
    this.recordedHeads.set(shard, last ? { shard, seq: last.seq, hash: last.entryHash } : emptyHead(shard));
  }

  async heads(): Promise<ShardHead[]> {
    return Array.from({ length: this.shardCount }, (_, s) => this.recordedHeads.get(s) ?? emptyHead(s));
  }

  async readShard(shard: number, options: { fromSeq?: number; limit?: number } = {}): Promise<ChainRecord[]> {
    const from = options.fromSeq ?? 1;
    const records = (this.shards.get(shard) ?? []).filter((r) => r.seq >= from);
    return records.slice(0, options.limit ?? records.length);
  }

  async inventory(): Promise<ChainInventory> {
    return { shards: new Map(this.shards), heads: new Map(this.recordedHeads), strays: [] };
  }
}
