import {
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { AppError } from '../../domain/errors.js';
import {
  DEFAULT_LEDGER_SHARDS,
  emptyHead,
  sealEntries,
  shardFor,
  shardKeyOf,
} from '../../domain/ledger/chain.js';
import {
  type LedgerEntry,
  type ShardHead,
  type UnsealedEntry,
  UnsealedEntrySchema,
} from '../../domain/ledger/entry.js';
import type {
  LedgerFilter,
  LedgerPage,
  LedgerPageRequest,
  LedgerStore,
  RecordedMovement,
} from '../../ports/ledger.js';
import type { ChainInventory } from '../../ports/sealable-chain.js';
import { scanInventory } from './chain-inventory.js';
import { FILTERED_BATCH, ledgerClauses, withClauses } from './chain-query.js';
import { retryHeadRaces } from './chain-retry.js';
import { ChainTable, PAGE_MAX } from './chain-table.js';
import { LEDGER_CHAIN } from './ledger-items.js';
import { ShardLocks } from './ledger-lock.js';
import { itemToRecorded, onceItem, onceKey, onceTaken } from './ledger-once.js';

export interface DynamoLedgerStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  cellId: string;
  /** Independent chains; DEFAULT_LEDGER_SHARDS when absent. Never lower it on a live cell. */
  shards?: number;
  /** Tries of `append` when heads are contended (default 12). */
  maxAttempts?: number;
  /** Randomness for the back-off jitter; `Math.random` by default. */
  random?: () => number;
}

/** TransactWriteItems holds at most 100 items. */
const MAX_TRANSACTION_ITEMS = 100;
/**
 * The transfers ledger in the cell table. Appends are conditional on each
 * shard's HEAD being what was read, so concurrent writers never fork a chain:
 * the loser's transaction is cancelled and retried on the new head.
 */
export class DynamoLedgerStore implements LedgerStore {
  readonly name = 'ledger' as const;
  readonly cellId: string;
  readonly shardCount: number;
  /** Counters for measurements: transactions sent and head conflicts retried. */
  readonly stats = { transactions: 0, headConflicts: 0 };
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly chain: ChainTable<LedgerEntry>;
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private readonly locks = new ShardLocks();
  /** Heads this process last wrote through `append`; dropped on any failure, re-read when absent. */
  private readonly knownHeads = new Map<number, ShardHead>();

  constructor(options: DynamoLedgerStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.cellId = options.cellId;
    this.shardCount = options.shards ?? DEFAULT_LEDGER_SHARDS;
    this.maxAttempts = options.maxAttempts ?? 12;
    this.random = options.random ?? Math.random;
    const { client, tableName } = options;
    this.chain = new ChainTable({ client, tableName, layout: LEDGER_CHAIN, name: 'ledger' });
    if (!Number.isInteger(this.shardCount) || this.shardCount < 1) {
      throw new RangeError(`ledger shard count must be a positive integer, got ${this.shardCount}`);
    }
  }

  /** The shard an entry belongs to (by note id, else transfer id). */
  shardOf(entry: UnsealedEntry): number {
    return shardFor(shardKeyOf(entry), this.shardCount);
  }

  /**
   * Seals entries on the current heads and returns the transaction items that
   * append them: a conditional Put per entry and a Put of each touched shard's
   * HEAD conditional on it still being what was read. Add the items to your own
   * TransactWriteItems (at most 100 items in all); when it fails with
   * `isHeadConflict(error, items)`, call `prepareAppend` again and retry the whole transaction.
   *
   * @throws AppError('internal') for an entry that breaks the ledger schema or too many entries;
   *   AppError('storage-unavailable') when the heads cannot be read.
   */
  async prepareAppend(
    entries: readonly UnsealedEntry[],
  ): Promise<{ items: TransactWriteItem[]; sealed: LedgerEntry[] }> {
    return this.prepare(entries, false);
  }

  private async prepare(
    entries: readonly UnsealedEntry[],
    useKnownHeads: boolean,
  ): Promise<{ items: TransactWriteItem[]; sealed: LedgerEntry[] }> {
    const byShard = new Map<number, UnsealedEntry[]>();
    for (const entry of entries) {
      const parsed = UnsealedEntrySchema.safeParse(entry);
      if (!parsed.success) {
        const paths = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
        throw new AppError('internal', `ledger entry breaks the schema at ${paths}`);
      }
      const shard = this.shardOf(entry);
      byShard.set(shard, [...(byShard.get(shard) ?? []), entry]);
    }
    if (entries.length + byShard.size > MAX_TRANSACTION_ITEMS) {
      throw new AppError('internal', `too many ledger entries for one transaction (${entries.length})`);
    }
    const items: TransactWriteItem[] = [];
    const sealed: LedgerEntry[] = [];
    for (const [shard, shardEntries] of byShard) {
      const current =
        (useKnownHeads ? this.knownHeads.get(shard) : undefined) ?? (await this.chain.readHead(shard));
      const result = sealEntries(current ?? emptyHead(shard), shardEntries);
      sealed.push(...result.sealed);
      items.push(...this.chain.appendItems(result.sealed, result.head, current));
    }
    return { items, sealed };
  }

  /**
   * Whether a failed TransactWriteItems lost a race on a ledger head (or another
   * writer's concurrent transaction), so the caller should re-prepare and retry.
   * Pass the items sent so a cancellation reason can be matched to its item.
   */
  isHeadConflict(error: unknown, items?: readonly TransactWriteItem[]): boolean {
    return this.chain.isHeadConflict(error, items);
  }

  /**
   * Seals and appends entries in one transaction. Writers in this process take
   * turns per shard and reuse the head they last wrote; writers elsewhere are
   * kept out by the head condition, and a lost race is retried with jittered
   * back-off up to `maxAttempts`.
   *
   * @throws AppError('storage-unavailable') when DynamoDB fails or the heads stay contended.
   */
  async append(entries: readonly UnsealedEntry[]): Promise<LedgerEntry[]> {
    if (entries.length === 0) return [];
    return (await this.appendWith(entries)) ?? [];
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails or the heads stay contended. */
  async appendOnce(
    key: string,
    entries: readonly UnsealedEntry[],
    recorded: RecordedMovement,
  ): Promise<boolean> {
    return (
      (await this.appendWith(entries, onceItem(this.tableName, key, recorded, new Date()))) !== undefined
    );
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails. */
  async recordedMovement(key: string): Promise<RecordedMovement | undefined> {
    const item = await this.chain.getItem(onceKey(key));
    return item ? itemToRecorded(item) : undefined;
  }

  /** Appends entries, after `once` when given; undefined when `once`'s key was taken. */
  private appendWith(
    entries: readonly UnsealedEntry[],
    once?: TransactWriteItem,
  ): Promise<LedgerEntry[] | undefined> {
    const shards = entries.map((e) => this.shardOf(e));
    return this.locks.with(shards, () => {
      let sent: readonly TransactWriteItem[] = [];
      return retryHeadRaces(
        async () => {
          const { items, sealed } = await this.prepare(entries, true);
          sent = once ? [once, ...items] : items;
          this.stats.transactions += 1;
          try {
            await this.client.send(new TransactWriteItemsCommand({ TransactItems: [...sent] }));
          } catch (error) {
            if (once && onceTaken(error)) return undefined;
            throw error;
          }
          this.rememberHeads(sealed);
          return sealed;
        },
        {
          name: 'ledger',
          maxAttempts: this.maxAttempts,
          random: this.random,
          isConflict: (error) => this.isHeadConflict(error, sent),
          onFailure: (conflict) => {
            for (const shard of shards) this.knownHeads.delete(shard);
            if (conflict) this.stats.headConflicts += 1;
          },
        },
      );
    });
  }

  private rememberHeads(sealed: readonly LedgerEntry[]): void {
    for (const e of sealed) this.knownHeads.set(e.shard, { shard: e.shard, seq: e.seq, hash: e.entryHash });
  }

  readShard(shard: number, options: { fromSeq?: number; limit?: number } = {}): Promise<LedgerEntry[]> {
    return this.chain.readShard(shard, options);
  }

  heads(): Promise<ShardHead[]> {
    return this.chain.heads(this.shardCount);
  }

  /** @throws AppError('invalid-query') for a bad limit; AppError('invalid-cursor') for a cursor it did not issue. */
  query(filter: LedgerFilter, page: LedgerPageRequest): Promise<LedgerPage> {
    const input = withClauses(this.chain.timeRangeQuery(filter, page.order), ledgerClauses(filter));
    return this.chain.queryPage(input, page, FILTERED_BATCH);
  }

  async *entries(filter: LedgerFilter): AsyncIterable<LedgerEntry> {
    let cursor: string | undefined;
    do {
      const page = await this.query(filter, { limit: PAGE_MAX, ...(cursor ? { cursor } : {}) });
      yield* page.entries;
      cursor = page.nextCursor;
    } while (cursor);
  }

  inventory(): Promise<ChainInventory> {
    return scanInventory(this.client, this.tableName, LEDGER_CHAIN, this.shardCount);
  }
}
