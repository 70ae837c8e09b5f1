import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DeliveryState, OutboxItem, OutboxKey } from '../../domain/delivery/outbox-item.js';
import type { Transition } from '../../domain/delivery/transition.js';
import { AppError } from '../../domain/errors.js';
import type { AttemptUpdate, CommitOutcome, NoteSnapshot, Outbox, Page } from '../../ports/outbox.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { CALLBACK_SK_PREFIX, notePartition, OUTBOX_SK_PREFIX } from './keys.js';
import type { TransactionalLedger } from './note-store.js';
import { itemKey, toCallbackRow, toOutboxItem, versionKeyOf } from './outbox-items.js';
import { OutboxTransactions } from './outbox-transaction.js';
import { queryItems } from './query-pages.js';

type Item = Record<string, unknown>;

/**
 * The delivery outbox on the cell table. A note's versions, outbox items and
 * callback rows share one partition, so a delivery step reads all it needs in
 * one consistent query and commits its whole transition in one transaction.
 */
export class DynamoOutbox implements Outbox {
  private readonly transactions: OutboxTransactions;

  /** `ledger` appends the ledger entries of transitions (egress); without it such a commit throws. */
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    ledger?: TransactionalLedger,
  ) {
    this.transactions = new OutboxTransactions(client, tableName, ledger);
  }

  async get(key: OutboxKey): Promise<OutboxItem | undefined> {
    const item = await this.getItem(itemKey(key));
    return item ? toOutboxItem(item) : undefined;
  }

  async ciphertext(key: OutboxKey): Promise<Uint8Array | undefined> {
    const item = await this.getItem(versionKeyOf(key));
    return item?.ciphertext instanceof Uint8Array ? item.ciphertext : undefined;
  }

  async readNote(senderId: string, noteId: string): Promise<NoteSnapshot> {
    const rows = await this.queryPartition(notePartition(senderId, noteId));
    const sk = (row: Item) => String(row.sk);
    const ciphertexts = new Map<string, Uint8Array>();
    for (const row of rows)
      if (row.ciphertext instanceof Uint8Array) ciphertexts.set(sk(row), row.ciphertext);
    return {
      items: rows.filter((r) => sk(r).startsWith(OUTBOX_SK_PREFIX)).map(toOutboxItem),
      callbacks: rows.filter((r) => sk(r).startsWith(CALLBACK_SK_PREFIX)).map(toCallbackRow),
      ciphertext: (key) => ciphertexts.get(versionKeyOf(key).sk),
    };
  }

  commit(transition: Transition): Promise<CommitOutcome> {
    return this.transactions.commit(transition);
  }

  async recordAttempt(
    key: OutboxKey,
    expectedAttempts: number,
    update: AttemptUpdate,
    at: string,
  ): Promise<boolean> {
    const outcome = await this.commit({
      key,
      expected: { attempts: expectedAttempts },
      change: update,
      at,
      wake: [],
      notWaiting: [],
      ledgerEntries: [],
      callbacks: [],
    });
    return outcome === 'committed';
  }

  async requeue(key: OutboxKey, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(itemKey(key)),
          UpdateExpression:
            'SET #state = :state, gsi1pk = :gsi, updatedAt = :at, replayBase = attempts REMOVE parkReason, operationOutcome, parkedAt, nextAttemptAt, retentionMark, retentionKept',
          ConditionExpression: '#state = :parked',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall({
            ':state': 'pending',
            ':gsi': 'DELIVERY#pending',
            ':parked': 'parked',
            ':at': at,
          }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw new AppError('storage-unavailable', 'outbox write failed', {}, { cause: error });
    }
  }

  async listByState(
    state: DeliveryState,
    page: { limit: number; cursor?: string; from?: string; to?: string },
  ): Promise<Page<OutboxItem>> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: marshall({
            ':pk': `DELIVERY#${state}`,
            ':from': page.from ?? '0',
            ':to': `${page.to ?? '9'}\uffff`,
          }),
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor),
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'outbox query failed', {}, { cause: error });
      });
    return {
      items: (out.Items ?? []).map((i) => toOutboxItem(unmarshall(i))),
      nextCursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }))
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'outbox read failed', {}, { cause: error });
      });
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  private queryPartition(pk: string): Promise<Item[]> {
    return queryItems(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': pk }),
        ConsistentRead: true,
      },
      (error) => new AppError('storage-unavailable', 'outbox read failed', {}, { cause: error }),
    );
  }
}
