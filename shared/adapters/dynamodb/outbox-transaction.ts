import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { OutboxKey } from '../../domain/delivery/outbox-item.js';
import type { Transition } from '../../domain/delivery/transition.js';
import { AppError } from '../../domain/errors.js';
import type { CommitOutcome } from '../../ports/outbox.js';
import { ShardLocks } from './ledger-lock.js';
import type { TransactionalLedger } from './note-store.js';
import { callbackItem, callbackItemKey, itemKey, itemUpdate } from './outbox-items.js';

/** Tries of one group while ledger heads or items are contended; back-off is jittered and capped. */
const MAX_TRIES = 30;
const MAX_BACKOFF_MS = 400;
/** DynamoDB's limit on the items of one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;
/** Steps committed together at most: a cancelled group costs every member a retry. */
const MAX_GROUP = 16;
const STATE = { '#state': 'state' };

interface Waiting {
  transition: Transition;
  resolve(outcome: CommitOutcome): void;
  reject(error: unknown): void;
}

/** Where one step's items sit in a group's transaction. */
interface Span {
  /** Index of the step's own conditional update: its failure means the step is stale. */
  first: number;
  /** Indexes of the items whose failed condition means "read again and decide again". */
  guards: number[];
}

/**
 * Commits delivery transitions, each whole in one TransactWriteItems: the
 * item's conditional update first, then successor wake-ups and guards, callback
 * rows, and ledger entries through the ledger's own append path.
 *
 * Steps that are ready while a transaction is in flight are committed together
 * in the next one (group commit): a step is still written all or nothing, and
 * a busy worker sends one request for many steps instead of one each. A step
 * whose condition fails answers `stale` or `raced` and the rest of its group is
 * sent again without it; steps that touch the same item never share a
 * transaction. Ledger heads are re-read and the group retried when another
 * writer moved one first (writers in this process take turns per shard).
 */
export class OutboxTransactions {
  private readonly locks = new ShardLocks();
  private readonly queue: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ledger?: TransactionalLedger,
  ) {}

  /**
   * @throws AppError('internal') for ledger entries without a ledger;
   *   AppError('storage-unavailable') when DynamoDB fails or stays contended.
   */
  commit(transition: Transition): Promise<CommitOutcome> {
    if (transition.ledgerEntries.length > 0 && !this.ledger) {
      return Promise.reject(new AppError('internal', 'a transition with ledger entries needs the ledger'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ transition, resolve, reject });
      void this.flush();
    });
  }

  /** Sends groups until the queue is empty; one transaction in flight at a time. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let group = this.takeGroup(); group.length > 0; group = this.takeGroup()) {
        await this.commitGroup(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The oldest waiting steps that fit one transaction and touch no item twice. */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    const touched = new Set<string>();
    let items = 0;
    for (let i = 0; i < this.queue.length && group.length < MAX_GROUP; ) {
      const waiting = this.queue[i] as Waiting;
      const keys = touchedKeys(waiting.transition);
      const size = itemCount(waiting.transition);
      const fits = group.length === 0 || items + size <= MAX_TRANSACTION_ITEMS;
      if (fits && !keys.some((k) => touched.has(k))) {
        group.push(waiting);
        this.queue.splice(i, 1);
        for (const k of keys) touched.add(k);
        items += size;
      } else {
        i++;
      }
    }
    return group;
  }

  /** Settles every member of the group; never throws. */
  private async commitGroup(group: Waiting[]): Promise<void> {
    try {
      const { ledger } = this;
      const shards = ledger
        ? group.flatMap((w) => w.transition.ledgerEntries.map((entry) => ledger.shardOf(entry)))
        : [];
      await this.locks.with(shards, () => this.send(group));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    }
  }

  private async send(group: Waiting[]): Promise<void> {
    let live = group;
    for (let tries = 1; live.length > 0; ) {
      const { items, spans } = await this.prepare(live.map((w) => w.transition));
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        for (const waiting of live) waiting.resolve('committed');
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          throw new AppError('storage-unavailable', 'outbox write failed', {}, { cause: error });
        }
        const reasons = error.CancellationReasons ?? [];
        const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
        const rest: Waiting[] = [];
        live.forEach((waiting, k) => {
          const span = spans[k] as Span;
          if (failed(span.first)) waiting.resolve('stale');
          else if (span.guards.some(failed)) waiting.resolve('raced');
          else rest.push(waiting);
        });
        // Members whose own condition failed are answered; the others did nothing wrong: send them again.
        if (rest.length < live.length) {
          live = rest;
          continue;
        }
        const retryable =
          (this.ledger?.isHeadConflict(error, items) ?? false) ||
          reasons.some((r) => r?.Code === 'TransactionConflict');
        if (!retryable || tries >= MAX_TRIES) {
          throw new AppError('storage-unavailable', 'outbox write was cancelled', {}, { cause: error });
        }
        tries += 1;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_BACKOFF_MS, 4 * 2 ** tries)));
      }
    }
  }

  /** The group's items, each step's in a row, then the ledger entries of them all (heads read now). */
  private async prepare(transitions: Transition[]): Promise<{ items: TransactWriteItem[]; spans: Span[] }> {
    const items: TransactWriteItem[] = [];
    const spans = transitions.map((t) => {
      const span: Span = { first: items.length, guards: [] };
      for (const { item, guard } of stepItems(this.tableName, t)) {
        if (guard) span.guards.push(items.length);
        items.push(item);
      }
      return span;
    });
    const entries = transitions.flatMap((t) => t.ledgerEntries);
    if (entries.length > 0 && this.ledger) items.push(...(await this.ledger.prepareAppend(entries)).items);
    return { items, spans };
  }
}

/** One step's own items, the guards among them marked. */
function stepItems(table: string, t: Transition): Array<{ item: TransactWriteItem; guard: boolean }> {
  const items: Array<{ item: TransactWriteItem; guard: boolean }> = [
    { item: { Update: itemUpdate(table, t.key, t.expected, t.change, t.at) }, guard: false },
  ];
  for (const key of t.wake) {
    items.push({
      guard: true,
      item: {
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
      },
    });
  }
  const check = (key: OutboxKey, state: string) => ({
    guard: true,
    item: {
      ConditionCheck: {
        TableName: table,
        Key: marshall(itemKey(key)),
        ConditionExpression: 'attribute_not_exists(pk) OR #state <> :state',
        ExpressionAttributeNames: STATE,
        ExpressionAttributeValues: marshall({ ':state': state }),
      },
    },
  });
  for (const key of t.notWaiting) items.push(check(key, 'waiting'));
  if (t.predecessor) items.push(check(t.predecessor, 'delivered'));
  for (const row of t.callbacks) {
    items.push({
      guard: false,
      item: {
        Put: {
          TableName: table,
          Item: marshall(callbackItem(row), { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    });
  }
  return items;
}

const keyString = (key: OutboxKey) => JSON.stringify(itemKey(key));

/** The outbox items and callback rows a step writes or checks (ledger items are prepared per group). */
function touchedKeys(t: Transition): string[] {
  const keys = [t.key, ...t.wake, ...t.notWaiting, ...(t.predecessor ? [t.predecessor] : [])].map(keyString);
  return [...keys, ...t.callbacks.map((row) => JSON.stringify(callbackItemKey(row)))];
}

/** Items a step adds to a transaction: its own, plus an entry and at most one head per ledger entry. */
function itemCount(t: Transition): number {
  return (
    1 +
    t.wake.length +
    t.notWaiting.length +
    (t.predecessor ? 1 : 0) +
    t.callbacks.length +
    2 * t.ledgerEntries.length
  );
}
