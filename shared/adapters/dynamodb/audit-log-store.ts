import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry, UnsealedAuditEntry } from '../../domain/audit/entry.js';
import { AppError } from '../../domain/errors.js';
import { emptyHead, sealEntries, shardFor } from '../../domain/ledger/chain.js';
import type { ShardHead } from '../../domain/ledger/entry.js';
import type { AuditFilter, AuditLog, AuditPage } from '../../ports/audit-log.js';
import {
  AUDIT_GSI,
  auditEntryToItem,
  auditHeadKey,
  auditPk,
  auditSeqSk,
  decodeAuditCursor,
  encodeAuditCursor,
  itemToAuditEntry,
  itemToAuditHead,
} from './audit-items.js';
import { storageError } from './ledger-errors.js';
import { ShardLocks } from './ledger-lock.js';

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  cellId: string;
  /** Independent chains, entries sharded by actor; 1 by default (HIM traffic is light). */
  shards?: number;
  /** Tries of `append` when a head is contended (default 12). */
  maxAttempts?: number;
}

const PAGE_MAX = 1000;

/** True when a transaction lost a race on an audit head (or met a concurrent transaction). */
function isHeadConflict(error: unknown): boolean {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}

/**
 * The HIM audit log in the cell table, chained exactly like the transfers ledger:
 * each append is conditional on its shard's HEAD being what was read, so
 * concurrent writers never fork a chain; the loser re-reads and retries.
 */
export class DynamoAuditLog implements AuditLog {
  readonly cellId: string;
  readonly shardCount: number;
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly maxAttempts: number;
  private readonly locks = new ShardLocks();

  constructor(options: DynamoAuditLogOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.cellId = options.cellId;
    this.shardCount = options.shards ?? 1;
    this.maxAttempts = options.maxAttempts ?? 12;
    if (!Number.isInteger(this.shardCount) || this.shardCount < 1) {
      throw new RangeError(`audit shard count must be a positive integer, got ${this.shardCount}`);
    }
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails or the head stays contended. */
  async append(entry: UnsealedAuditEntry): Promise<AuditEntry> {
    const shard = shardFor(entry.actor, this.shardCount);
    return this.locks.with([shard], async () => {
      for (let attempt = 1; ; attempt += 1) {
        const read = await this.readHead(shard);
        const { sealed, head } = sealEntries(read ?? emptyHead(shard), [entry]);
        const record = sealed[0] as AuditEntry;
        try {
          await this.client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: this.tableName,
                    Item: auditEntryToItem(record),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                { Put: this.headPut(head, read) },
              ],
            }),
          );
          return record;
        } catch (error) {
          if (!isHeadConflict(error)) throw storageError('audit append failed', error);
          if (attempt >= this.maxAttempts)
            throw storageError(`audit head stayed contended after ${attempt} attempts`, error);
          await new Promise((resolve) =>
            setTimeout(resolve, Math.random() * Math.min(400, 4 * 2 ** attempt)),
          );
        }
      }
    });
  }

  async readShard(shard: number): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.runQuery({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: marshall({ ':pk': auditPk(shard), ':lo': auditSeqSk(0), ':hi': 'SEQ#~' }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      out.push(...(page.Items ?? []).map(itemToAuditEntry));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async heads(): Promise<ShardHead[]> {
    const shards = Array.from({ length: this.shardCount }, (_, shard) => shard);
    return Promise.all(shards.map(async (shard) => (await this.readHead(shard)) ?? emptyHead(shard)));
  }

  async query(
    filter: AuditFilter,
    page: { limit: number; cursor?: string; order?: 'asc' | 'desc' },
  ): Promise<AuditPage> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > PAGE_MAX)
      throw new AppError('invalid-query', `page limit must be 1-${PAGE_MAX}`);
    const start = page.cursor === undefined ? undefined : decodeAuditCursor(page.cursor);
    if (page.cursor !== undefined && !start)
      throw new AppError(
        'invalid-cursor',
        'the page cursor is not valid for this audit log; start again without it',
      );
    const values: Record<string, string> = { ':gpk': AUDIT_GSI.pk };
    let condition = 'gsi1pk = :gpk';
    if (filter.from) values[':from'] = filter.from.toISOString();
    if (filter.to) values[':to'] = filter.to.toISOString();
    if (filter.from && filter.to) condition += ' AND gsi1sk BETWEEN :from AND :to';
    else if (filter.from) condition += ' AND gsi1sk >= :from';
    else if (filter.to) condition += ' AND gsi1sk < :to';
    const result = await this.runQuery({
      TableName: this.tableName,
      IndexName: AUDIT_GSI.name,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: marshall(values),
      ScanIndexForward: page.order !== 'desc',
      Limit: page.limit,
      ExclusiveStartKey: start,
    });
    // `<to>#shard#seq` sorts after the bare `<to>`, so an entry at exactly `to` is outside: [from, to).
    const entries = (result.Items ?? []).map(itemToAuditEntry);
    return result.LastEvaluatedKey
      ? { entries, nextCursor: encodeAuditCursor(result.LastEvaluatedKey) }
      : { entries };
  }

  private headPut(head: ShardHead, read: ShardHead | undefined) {
    const condition = read
      ? {
          ConditionExpression: '#seq = :seq AND #hash = :hash',
          ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
          ExpressionAttributeValues: marshall({ ':seq': read.seq, ':hash': read.hash }),
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    return {
      TableName: this.tableName,
      Item: marshall({ ...auditHeadKey(head.shard), seq: head.seq, hash: head.hash }),
      ...condition,
    };
  }

  private async readHead(shard: number): Promise<ShardHead | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(auditHeadKey(shard)),
          ConsistentRead: true,
        }),
      );
      return itemToAuditHead(shard, out.Item);
    } catch (error) {
      throw storageError('audit head read failed', error);
    }
  }

  private async runQuery(input: QueryCommandInput) {
    try {
      return await this.client.send(new QueryCommand(input));
    } catch (error) {
      throw storageError('audit query failed', error);
    }
  }
}
