import {
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry, UnsealedAuditEntry } from '../../domain/audit/entry.js';
import { repeatKey } from '../../domain/audit/repeat.js';
import { emptyHead, sealEntries, shardFor } from '../../domain/ledger/chain.js';
import type { ShardHead } from '../../domain/ledger/entry.js';
import type { AuditFilter, AuditLog, AuditPage } from '../../ports/audit-log.js';
import type { ChainInventory } from '../../ports/sealable-chain.js';
import { scanInventory } from './chain-inventory.js';
import { chainLayout } from './chain-items.js';
import { auditClauses, FILTERED_BATCH, withClauses } from './chain-query.js';
import { retryHeadRaces } from './chain-retry.js';
import { ChainTable } from './chain-table.js';
import { ShardLocks } from './ledger-lock.js';
import { onceTaken } from './ledger-once.js';

/**
 * Item layout of the HIM audit log in the cell table: the chain layout under
 * `AUDIT` (see chain-items.ts): `AUDIT#<shard>` / `SEQ#<12-digit seq>` entries
 * with gsi1pk `AUDIT` for time-range queries, and `AUDIT#<shard>` / `HEAD`.
 */
const AUDIT_CHAIN = chainLayout<AuditEntry>('AUDIT');

/** How long a recorded HIM action answers its repeats (see `appendOnce`). */
const REPEAT_TTL_SECONDS = 24 * 3600;

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  cellId: string;
  /** Independent chains, entries sharded by actor; 1 by default (HIM traffic is light). */
  shards?: number;
  /** Tries of `append` when a head is contended (default 12). */
  maxAttempts?: number;
}

/**
 * The HIM audit log in the cell table, chained and stored exactly like the
 * transfers ledger (`ChainTable`): each append is conditional on its shard's
 * HEAD being what was read, so concurrent writers never fork a chain; the loser
 * re-reads and retries.
 */
export class DynamoAuditLog implements AuditLog {
  readonly name = 'audit' as const;
  readonly cellId: string;
  readonly shardCount: number;
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly chain: ChainTable<AuditEntry>;
  private readonly maxAttempts: number;
  private readonly locks = new ShardLocks();

  constructor(options: DynamoAuditLogOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.chain = new ChainTable({
      client: options.client,
      tableName: options.tableName,
      layout: AUDIT_CHAIN,
      name: 'audit log',
    });
    this.cellId = options.cellId;
    this.shardCount = options.shards ?? 1;
    this.maxAttempts = options.maxAttempts ?? 12;
    if (!Number.isInteger(this.shardCount) || this.shardCount < 1) {
      throw new RangeError(`audit shard count must be a positive integer, got ${this.shardCount}`);
    }
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails or the head stays contended. */
  async append(entry: UnsealedAuditEntry): Promise<AuditEntry> {
    return (await this.appendWith(entry)) as AuditEntry;
  }

  /** @throws AppError('storage-unavailable') when DynamoDB fails or the head stays contended. */
  appendOnce(entry: UnsealedAuditEntry): Promise<AuditEntry | undefined> {
    const key = repeatKey(entry);
    return this.appendWith(entry, key ? this.repeatItem(key, entry.at) : undefined);
  }

  /**
   * `REPEAT#audit#<repeatKey>` / `REPEAT`, first in the append's transaction: it fails when the
   * same record of the same action was written already. Kept a day (DynamoDB TTL): one action's
   * calls come seconds apart. Outside the chain partitions and the index, so verification never reads it.
   */
  private repeatItem(key: string, at: string): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: marshall({
          pk: `REPEAT#audit#${key}`,
          sk: 'REPEAT',
          type: 'audit-repeat',
          expiresAt: Math.floor(Date.parse(at) / 1000) + REPEAT_TTL_SECONDS,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Appends the entry, after `once` when given; undefined when `once`'s key was taken. */
  private appendWith(entry: UnsealedAuditEntry, once?: TransactWriteItem): Promise<AuditEntry | undefined> {
    const shard = shardFor(entry.actor, this.shardCount);
    return this.locks.with([shard], () => {
      let sent: TransactWriteItem[] = [];
      return retryHeadRaces(
        async () => {
          const read = await this.chain.readHead(shard);
          const { sealed, head } = sealEntries(read ?? emptyHead(shard), [entry]);
          const items = this.chain.appendItems(sealed, head, read);
          sent = once ? [once, ...items] : items;
          try {
            await this.client.send(new TransactWriteItemsCommand({ TransactItems: sent }));
          } catch (error) {
            if (once && onceTaken(error)) return undefined;
            throw error;
          }
          return sealed[0] as AuditEntry;
        },
        {
          name: 'audit log',
          maxAttempts: this.maxAttempts,
          random: Math.random,
          isConflict: (error) => this.chain.isHeadConflict(error, sent),
        },
      );
    });
  }

  /** A shard's entries in seq order. @throws AppError('storage-unavailable') when DynamoDB fails. */
  readShard(shard: number, options: { fromSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    return this.chain.readShard(shard, options);
  }

  inventory(): Promise<ChainInventory> {
    return scanInventory(this.client, this.tableName, AUDIT_CHAIN, this.shardCount);
  }

  heads(): Promise<ShardHead[]> {
    return this.chain.heads(this.shardCount);
  }

  /** @throws AppError('invalid-query') for a bad limit; AppError('invalid-cursor') for a cursor it did not issue. */
  query(
    filter: AuditFilter,
    page: { limit: number; cursor?: string; order?: 'asc' | 'desc' },
  ): Promise<AuditPage> {
    const input = withClauses(this.chain.timeRangeQuery(filter, page.order), auditClauses(filter));
    return this.chain.queryPage(input, page, FILTERED_BATCH);
  }
}
