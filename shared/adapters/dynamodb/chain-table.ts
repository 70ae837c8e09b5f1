import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import { emptyHead } from '../../domain/ledger/chain.js';
import type { ShardHead } from '../../domain/ledger/entry.js';
import { isChainConflict, storageError } from './chain-errors.js';
import type { ChainLayout, ChainLink, Item } from './chain-items.js';

/** Most links one query page may ask for. */
export const PAGE_MAX = 1000;

export interface ChainTableOptions<E extends ChainLink> {
  client: DynamoDBClient;
  tableName: string;
  layout: ChainLayout<E>;
  /** What the chain is called in error details (`ledger`, `audit log`); never data. */
  name: string;
}

/** A time-range query on gsi1, whose names and values a caller may add filter criteria to. */
export type TimeRangeQuery = QueryCommandInput & {
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
};

/**
 * The storage mechanics every hash chain in the cell table shares (the transfers
 * ledger, the HIM audit log): consistent head reads, the conditional writes that
 * append links without forking a chain, shard and page reads, and DynamoDB
 * failures translated to AppError('storage-unavailable') with `cause`.
 */
export class ChainTable<E extends ChainLink> {
  readonly layout: ChainLayout<E>;
  readonly name: string;
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: ChainTableOptions<E>) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.layout = options.layout;
    this.name = options.name;
  }

  /** @throws AppError('storage-unavailable') when the head cannot be read. */
  async readHead(shard: number): Promise<ShardHead | undefined> {
    return this.layout.itemToHead(shard, await this.getItem(this.layout.headKey(shard)));
  }

  /** One item by key, read consistently. @throws AppError('storage-unavailable') when DynamoDB fails. */
  async getItem(key: { pk: string; sk: string }): Promise<Item | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
      );
      return out.Item;
    } catch (error) {
      throw storageError(`${this.name} read failed`, error);
    }
  }

  /** Every shard's head as recorded (seq 0 for an empty shard). */
  async heads(shardCount: number): Promise<ShardHead[]> {
    const shards = Array.from({ length: shardCount }, (_, shard) => shard);
    return Promise.all(shards.map(async (shard) => (await this.readHead(shard)) ?? emptyHead(shard)));
  }

  /**
   * The transaction items that append links sealed on `read` (absent for an empty
   * shard): a Put per link that fails if its seq is taken, and a Put of the new
   * `head` that fails unless the stored head is still `read`.
   */
  appendItems(sealed: readonly E[], head: ShardHead, read: ShardHead | undefined): TransactWriteItem[] {
    const links = sealed.map(
      (link): TransactWriteItem => ({
        Put: {
          TableName: this.tableName,
          Item: this.layout.entryToItem(link),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }),
    );
    const condition = read
      ? {
          ConditionExpression: '#seq = :seq AND #hash = :hash',
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
          ExpressionAttributeValues: marshall({ ':seq': read.seq, ':hash': read.hash }),
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    const headPut: TransactWriteItem = {
      Put: {
        TableName: this.tableName,
        Item: marshall({ ...this.layout.headKey(head.shard), seq: head.seq, hash: head.hash }),
        ...condition,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    return [...links, headPut];
  }

  /** Whether a cancelled transaction lost a race on one of this chain's heads (pass the items sent). */
  isHeadConflict(error: unknown, items?: readonly TransactWriteItem[]): boolean {
    return isChainConflict(error, this.layout.holdsShard, items);
  }

  /**
   * A shard's links in seq order from `fromSeq` (inclusive), at most `limit` (all when absent).
   *
   * @throws AppError('storage-unavailable') when DynamoDB fails.
   */
  async readShard(shard: number, options: { fromSeq?: number; limit?: number } = {}): Promise<E[]> {
    const out: E[] = [];
    let start: Item | undefined;
    do {
      const remaining =
        options.limit === undefined ? PAGE_MAX : Math.min(PAGE_MAX, options.limit - out.length);
      const page = await this.runQuery({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: marshall({
          ':pk': this.layout.shardPk(shard),
          ':lo': this.layout.seqSk(options.fromSeq ?? 0),
          ':hi': 'SEQ#~',
        }),
        ConsistentRead: true,
        Limit: remaining,
        ExclusiveStartKey: start,
      });
      out.push(...(page.Items ?? []).map(this.layout.itemToEntry));
      start = page.LastEvaluatedKey;
    } while (start && (options.limit === undefined || out.length < options.limit));
    return out;
  }

  /**
   * A query on gsi1 for the links at `[from, to)`: `<to>#shard#seq` sorts after
   * the bare `<to>`, so BETWEEN/`<` on the bare instant leaves out links at `to`.
   */
  timeRangeQuery(range: { from?: Date; to?: Date }, order: 'asc' | 'desc' = 'asc'): TimeRangeQuery {
    const names: Record<string, string> = { '#gpk': 'gsi1pk' };
    const values: Record<string, AttributeValue> = { ':gpk': { S: this.layout.gsi.pk } };
    let keyCondition = '#gpk = :gpk';
    const from = range.from?.toISOString();
    const to = range.to?.toISOString();
    if (from !== undefined) values[':from'] = { S: from };
    if (to !== undefined) values[':to'] = { S: to };
    if (from !== undefined || to !== undefined) names['#gsk'] = 'gsi1sk';
    if (from !== undefined && to !== undefined) keyCondition += ' AND #gsk BETWEEN :from AND :to';
    else if (from !== undefined) keyCondition += ' AND #gsk >= :from';
    else if (to !== undefined) keyCondition += ' AND #gsk < :to';
    return {
      TableName: this.tableName,
      IndexName: this.layout.gsi.name,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: order === 'asc',
    };
  }

  /**
   * One page of what `input` matches, read until `limit` links are found or none
   * are left; `nextCursor` continues after the last link returned. Each read asks
   * for at least `minBatch` items (raise it when a filter expression drops some).
   *
   * @throws AppError('invalid-query') for a limit outside 1-PAGE_MAX;
   *   AppError('invalid-cursor') for a cursor this chain did not issue;
   *   AppError('storage-unavailable') when DynamoDB fails.
   */
  async queryPage(
    input: QueryCommandInput,
    page: { limit: number; cursor?: string },
    minBatch = 1,
  ): Promise<{ entries: E[]; nextCursor?: string }> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > PAGE_MAX) {
      throw new AppError('invalid-query', `page limit must be 1-${PAGE_MAX}`);
    }
    let start = page.cursor === undefined ? undefined : this.layout.decodeCursor(page.cursor);
    if (page.cursor !== undefined && !start) {
      throw new AppError(
        'invalid-cursor',
        `the page cursor is not valid for this ${this.name}; start again without it`,
      );
    }
    const entries: E[] = [];
    do {
      const result = await this.runQuery({
        ...input,
        Limit: Math.max(page.limit - entries.length, minBatch),
        ExclusiveStartKey: start,
      });
      entries.push(...(result.Items ?? []).map(this.layout.itemToEntry));
      start = result.LastEvaluatedKey;
    } while (start && entries.length < page.limit);
    if (entries.length < page.limit || (entries.length === page.limit && !start)) return { entries };
    // More may match: continue after the last link returned (any surplus fetched is read again).
    entries.length = page.limit;
    const last = entries[page.limit - 1] as E;
    return { entries, nextCursor: this.layout.encodeCursor(this.layout.entryIndexKey(last)) };
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails. */
  async runQuery(input: QueryCommandInput) {
    try {
      return await this.client.send(new QueryCommand(input));
    } catch (error) {
      throw storageError(`${this.name} query failed`, error);
    }
  }
}
