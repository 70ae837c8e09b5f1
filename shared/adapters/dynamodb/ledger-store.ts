import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
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
  type ReviewState,
  type ShardHead,
  type UnsealedEntry,
  UnsealedEntrySchema,
} from '../../domain/ledger/entry.js';
import type {
  LedgerDigest,
  LedgerFilter,
  LedgerPage,
  LedgerPageRequest,
  LedgerStore,
} from '../../ports/ledger.js';
import { isLedgerConflict, storageError } from './ledger-errors.js';
import {
  DIGEST_PK,
  decodeCursor,
  digestToItem,
  encodeCursor,
  entryIndexKey,
  entryKey,
  entryToItem,
  headKey,
  type Item,
  itemToDigest,
  itemToEntry,
  itemToHead,
  seqSk,
  shardPk,
} from './ledger-items.js';
import { ShardLocks } from './ledger-lock.js';
import { ledgerQueryInput } from './ledger-query.js';

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
const PAGE_MAX = 1000;

/**
 * The transfers ledger in the cell table. Appends are conditional on each
 * shard's HEAD being what was read, so concurrent writers never fork a chain:
 * the loser's transaction is cancelled and retried on the new head.
 */
export class DynamoLedgerStore implements LedgerStore {
  readonly cellId: string;
  readonly shardCount: number;
  /** Counters for measurements: transactions sent and head conflicts retried. */
  readonly stats = { transactions: 0, headConflicts: 0 };
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
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
        (useKnownHeads ? this.knownHeads.get(shard) : undefined) ?? (await this.readHead(shard));
      const result = sealEntries(current ?? emptyHead(shard), shardEntries);
      sealed.push(...result.sealed);
      for (const entry of result.sealed) items.push(this.putEntry(entry));
      items.push(this.putHead(result.head, current));
    }
    return { items, sealed };
  }

  /**
   * Whether a failed TransactWriteItems lost a race on a ledger head (or another
   * writer's concurrent transaction), so the caller should re-prepare and retry.
   * Pass the items sent so a cancellation reason can be matched to its item.
   */
  isHeadConflict(error: unknown, items?: readonly TransactWriteItem[]): boolean {
    return isLedgerConflict(error, items);
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
    const shards = entries.map((e) => this.shardOf(e));
    return this.locks.with(shards, async () => {
      for (let attempt = 1; ; attempt += 1) {
        const { items, sealed } = await this.prepare(entries, true);
        try {
          this.stats.transactions += 1;
          await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
          this.rememberHeads(sealed);
          return sealed;
        } catch (error) {
          for (const shard of shards) this.knownHeads.delete(shard);
          if (!this.isHeadConflict(error, items)) throw storageError('ledger append failed', error);
          this.stats.headConflicts += 1;
          if (attempt >= this.maxAttempts) {
            throw storageError(`ledger heads stayed contended after ${attempt} attempts`, error);
          }
          const ceiling = Math.min(400, 4 * 2 ** attempt);
          await new Promise((resolve) => setTimeout(resolve, this.random() * ceiling));
        }
      }
    });
  }

  private rememberHeads(sealed: readonly LedgerEntry[]): void {
    for (const e of sealed) this.knownHeads.set(e.shard, { shard: e.shard, seq: e.seq, hash: e.entryHash });
  }

  async readShard(shard: number, options: { fromSeq?: number; limit?: number } = {}): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    let start: Item | undefined;
    do {
      const remaining =
        options.limit === undefined ? PAGE_MAX : Math.min(PAGE_MAX, options.limit - out.length);
      const page = await this.runQuery({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: marshall({
          ':pk': shardPk(shard),
          ':lo': seqSk(options.fromSeq ?? 0),
          ':hi': 'SEQ#~',
        }),
        ConsistentRead: true,
        Limit: remaining,
        ExclusiveStartKey: start,
      });
      out.push(...(page.Items ?? []).map(itemToEntry));
      start = page.LastEvaluatedKey;
    } while (start && (options.limit === undefined || out.length < options.limit));
    return out;
  }

  async heads(): Promise<ShardHead[]> {
    const shards = Array.from({ length: this.shardCount }, (_, shard) => shard);
    return Promise.all(shards.map(async (shard) => (await this.readHead(shard)) ?? emptyHead(shard)));
  }

  async query(filter: LedgerFilter, page: LedgerPageRequest): Promise<LedgerPage> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > PAGE_MAX) {
      throw new AppError('invalid-query', `page limit must be 1-${PAGE_MAX}`);
    }
    let start = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    if (page.cursor !== undefined && !start)
      throw new AppError(
        'invalid-cursor',
        'the page cursor is not valid for this ledger; start again without it',
      );
    const input = ledgerQueryInput(this.tableName, filter, page.order);
    const entries: LedgerEntry[] = [];
    do {
      const result = await this.runQuery({
        ...input,
        Limit: Math.max(page.limit - entries.length, 100),
        ExclusiveStartKey: start,
      });
      entries.push(...(result.Items ?? []).map(itemToEntry));
      start = result.LastEvaluatedKey;
    } while (start && entries.length < page.limit);
    if (entries.length < page.limit || (entries.length === page.limit && !start)) return { entries };
    // More may match: continue after the last entry returned (any surplus fetched is read again).
    entries.length = page.limit;
    return { entries, nextCursor: encodeCursor(entryIndexKey(entries[page.limit - 1] as LedgerEntry)) };
  }

  async *entries(filter: LedgerFilter): AsyncIterable<LedgerEntry> {
    let cursor: string | undefined;
    do {
      const page = await this.query(filter, { limit: PAGE_MAX, ...(cursor ? { cursor } : {}) });
      yield* page.entries;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async setReviewState(ref: { shard: number; seq: number }, state: ReviewState): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(entryKey(ref.shard, ref.seq)),
          UpdateExpression: 'SET reviewState = :state',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':state': state }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new AppError(
          'not-found',
          `no ledger entry at shard ${ref.shard} seq ${ref.seq}`,
          {},
          { cause: error },
        );
      }
      throw storageError('ledger review update failed', error);
    }
  }

  async putDigest(digest: LedgerDigest): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: digestToItem(digest),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new AppError(
          'version-conflict',
          `a ledger digest for ${digest.at} already exists`,
          {},
          { cause: error },
        );
      }
      throw storageError('ledger digest write failed', error);
    }
  }

  async latestDigest(): Promise<LedgerDigest | undefined> {
    const page = await this.runQuery({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': DIGEST_PK }),
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
    });
    const item = page.Items?.[0];
    return item ? itemToDigest(item) : undefined;
  }

  private async readHead(shard: number): Promise<ShardHead | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(headKey(shard)),
          ConsistentRead: true,
        }),
      );
      return itemToHead(shard, out.Item);
    } catch (error) {
      throw storageError('ledger head read failed', error);
    }
  }

  private putEntry(entry: LedgerEntry): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: entryToItem(entry),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private putHead(head: ShardHead, read: ShardHead | undefined): TransactWriteItem {
    const condition = read
      ? {
          ConditionExpression: '#seq = :seq AND #hash = :hash',
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
          ExpressionAttributeValues: marshall({ ':seq': read.seq, ':hash': read.hash }),
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    return {
      Put: {
        TableName: this.tableName,
        Item: marshall({ ...headKey(head.shard), seq: head.seq, hash: head.hash }),
        ...condition,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private async runQuery(input: QueryCommandInput) {
    try {
      return await this.client.send(new QueryCommand(input));
    } catch (error) {
      throw storageError('ledger query failed', error);
    }
  }
}
