import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Transition } from '../../domain/delivery/transition.js';
import { AppError } from '../../domain/errors.js';
import type { CommitOutcome } from '../../ports/outbox.js';
import { ShardLocks } from './ledger-lock.js';
import type { TransactionalLedger } from './note-store.js';
import { callbackItem, itemKey, itemUpdate } from './outbox-items.js';

/** Tries of one commit while ledger heads or items are contended; back-off is jittered and capped. */
const MAX_TRIES = 30;
const MAX_BACKOFF_MS = 400;
const STATE = { '#state': 'state' };

interface Prepared {
  items: TransactWriteItem[];
  /** Indexes of the items whose failed condition means "read again and decide again". */
  guards: Set<number>;
}

/**
 * Commits delivery transitions in one TransactWriteItems each: the item's
 * conditional update first, then successor wake-ups and guards, callback rows,
 * and ledger entries through the ledger's own append
 * path (heads re-read and the whole transaction retried when another writer
 * moved a head first; writers in this process take turns per shard).
 */
export class OutboxTransactions {
  private readonly locks = new ShardLocks();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ledger?: TransactionalLedger,
  ) {}

  /**
   * @throws AppError('internal') for ledger entries without a ledger;
   *   AppError('storage-unavailable') when DynamoDB fails or stays contended.
   */
  async commit(transition: Transition): Promise<CommitOutcome> {
    const { ledger } = this;
    if (transition.ledgerEntries.length === 0) return this.send(transition);
    if (!ledger) throw new AppError('internal', 'a transition with ledger entries needs the ledger');
    const shards = transition.ledgerEntries.map((entry) => ledger.shardOf(entry));
    return this.locks.with(shards, () => this.send(transition));
  }

  private async send(transition: Transition): Promise<CommitOutcome> {
    for (let tries = 1; ; tries++) {
      const { items, guards } = await this.prepare(transition);
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          throw new AppError('storage-unavailable', 'outbox write failed', {}, { cause: error });
        }
        const reasons = error.CancellationReasons ?? [];
        const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
        if (failed(0)) return 'stale';
        if ([...guards].some(failed)) return 'raced';
        const retryable = this.ledger
          ? this.ledger.isHeadConflict(error, items)
          : reasons.some((r) => r?.Code === 'TransactionConflict');
        if (!retryable || tries >= MAX_TRIES) {
          throw new AppError('storage-unavailable', 'outbox write was cancelled', {}, { cause: error });
        }
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_BACKOFF_MS, 4 * 2 ** tries)));
      }
    }
  }

  private async prepare(t: Transition): Promise<Prepared> {
    const table = this.tableName;
    const items: TransactWriteItem[] = [{ Update: itemUpdate(table, t.key, t.expected, t.change, t.at) }];
    const guards = new Set<number>();
    const guard = (item: TransactWriteItem) => guards.add(items.push(item) - 1);
    for (const key of t.wake) {
      guard({
        Update: {
          TableName: table,
          Key: marshall(itemKey(key)),
          UpdateExpression: 'SET #state = :pending, gsi1pk = :gsi, updatedAt = :at',
          ConditionExpression: '#state = :waiting',
          ExpressionAttributeNames: STATE,
          ExpressionAttributeValues: marshall({
            ':pending': 'pending',
            ':gsi': 'DELIVERY#pending',
            ':waiting': 'waiting',
            ':at': t.at,
          }),
        },
      });
    }
    const check = (key: Transition['key'], state: string) =>
      guard({
        ConditionCheck: {
          TableName: table,
          Key: marshall(itemKey(key)),
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :state',
          ExpressionAttributeNames: STATE,
          ExpressionAttributeValues: marshall({ ':state': state }),
        },
      });
    for (const key of t.notWaiting) check(key, 'waiting');
    if (t.predecessor) check(t.predecessor, 'delivered');
    for (const row of t.callbacks) {
      items.push({
        Put: {
          TableName: table,
          Item: marshall(callbackItem(row), { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (t.ledgerEntries.length && this.ledger) {
      items.push(...(await this.ledger.prepareAppend(t.ledgerEntries)).items);
    }
    return { items, guards };
  }
}
