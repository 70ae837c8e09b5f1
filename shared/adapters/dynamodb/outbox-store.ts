import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type {
  AttemptUpdate,
  DeliveryState,
  Outbox,
  OutboxItem,
  OutboxKey,
  Page,
} from '../../ports/outbox.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { noteKey, outboxKey, pad } from './keys.js';

const keyOf = (k: OutboxKey) => outboxKey(k.senderId, k.noteId, k.version, k.eventKind === 'retracted');
const DAY_SECONDS = 86_400;

/**
 * The delivery outbox on the cell table. Every state change is a conditional
 * update on the attempt counter, so a stale or repeated stream record can never
 * overwrite a newer result.
 */
export class DynamoOutbox implements Outbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(key: OutboxKey): Promise<OutboxItem | undefined> {
    const item = await this.getItem(keyOf(key));
    return item ? toOutboxItem(item) : undefined;
  }

  async ciphertext(key: OutboxKey): Promise<Uint8Array | undefined> {
    const item = await this.getItem(
      noteKey(key.senderId, key.noteId, key.version, key.eventKind === 'retracted'),
    );
    return item?.ciphertext instanceof Uint8Array ? item.ciphertext : undefined;
  }

  async noteItems(senderId: string, noteId: string): Promise<OutboxItem[]> {
    return (await this.query(outboxKey(senderId, noteId, 0, false).pk)).map(toOutboxItem);
  }

  async recordAttempt(
    key: OutboxKey,
    expectedAttempts: number,
    update: AttemptUpdate,
    at: string,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':expected': expectedAttempts,
      ':next': expectedAttempts + 1,
      ':state': update.state,
      ':gsi': `DELIVERY#${update.state}`,
      ':attempt': update.attempt,
      ':history': [update.attempt],
      ':empty': [],
      ':at': at,
    };
    const set = [
      '#state = :state',
      'attempts = :next',
      'gsi1pk = :gsi',
      'lastAttempt = :attempt',
      'history = list_append(if_not_exists(history, :empty), :history)',
      'updatedAt = :at',
    ];
    const remove: string[] = [];
    // Empty maps are left out: DynamoDB Local's stream renders `{M: {}}` as `{}`, which no reader can decode.
    if (Object.keys(update.resourceIds).length) {
      set.push('resourceIds = :ids');
      values[':ids'] = update.resourceIds;
    }
    if (update.state === 'retrying') {
      set.push('nextAttemptAt = :nextAt');
      values[':nextAt'] = update.nextAttemptAt;
    } else remove.push('nextAttemptAt');
    if (update.state === 'delivered') {
      set.push('deliveredAt = :deliveredAt');
      values[':deliveredAt'] = update.deliveredAt;
    }
    if (update.state === 'parked') {
      set.push('parkedAt = :parkedAt', 'parkReason = :reason', 'operationOutcome = :oo');
      Object.assign(values, {
        ':parkedAt': update.parkedAt,
        ':reason': update.parkReason,
        ':oo': update.operationOutcome ?? [],
      });
    }
    const outboxUpdate = {
      TableName: this.tableName,
      Key: marshall(keyOf(key)),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: 'attempts = :expected',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: marshall(values, {
        removeUndefinedValues: true,
        convertClassInstanceToMap: true,
      }),
    };
    if (update.state !== 'delivered')
      return this.conditional(() => this.client.send(new UpdateItemCommand(outboxUpdate)));
    // Delivered: the note's ciphertext starts its retention clock in the same transaction.
    const expiresAt = Math.floor(Date.parse(update.deliveredAt) / 1000) + update.retentionDays * DAY_SECONDS;
    return this.conditional(() =>
      this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Update: outboxUpdate },
            {
              Update: {
                TableName: this.tableName,
                Key: marshall(noteKey(key.senderId, key.noteId, key.version, key.eventKind === 'retracted')),
                UpdateExpression: 'SET expiresAt = :exp',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: marshall({ ':exp': expiresAt }),
              },
            },
          ],
        }),
      ),
    );
  }

  async defer(
    key: OutboxKey,
    expectedDeferrals: number,
    nextAttemptAt: string,
    at: string,
  ): Promise<boolean> {
    return this.update(
      key,
      'SET deferrals = :next, nextAttemptAt = :nextAt, #state = :state, gsi1pk = :gsi, updatedAt = :at',
      'deferrals = :expected OR (attribute_not_exists(deferrals) AND :expected = :zero)',
      {
        ':expected': expectedDeferrals,
        ':zero': 0,
        ':next': expectedDeferrals + 1,
        ':nextAt': nextAttemptAt,
        ':state': 'retrying',
        ':gsi': 'DELIVERY#retrying',
        ':at': at,
      },
    );
  }

  async wake(key: OutboxKey, at: string): Promise<boolean> {
    return this.update(key, 'SET #state = :state, gsi1pk = :gsi, updatedAt = :at', '#state = :waiting', {
      ':state': 'pending',
      ':gsi': 'DELIVERY#pending',
      ':waiting': 'waiting',
      ':at': at,
    });
  }

  async requeue(key: OutboxKey, at: string): Promise<boolean> {
    return this.update(
      key,
      'SET #state = :state, gsi1pk = :gsi, updatedAt = :at, replayBase = attempts REMOVE parkReason, operationOutcome, parkedAt, nextAttemptAt',
      '#state = :parked',
      { ':state': 'pending', ':gsi': 'DELIVERY#pending', ':parked': 'parked', ':at': at },
    );
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

  private async update(
    key: OutboxKey,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ) {
    return this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(keyOf(key)),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall(values),
        }),
      ),
    );
  }

  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')
      ) {
        return false;
      }
      throw new AppError('storage-unavailable', 'outbox write failed', {}, { cause: error });
    }
  }

  private async getItem(key: { pk: string; sk: string }) {
    const out = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }))
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'outbox read failed', {}, { cause: error });
      });
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  private async query(pk: string) {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': pk }),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'outbox read failed', {}, { cause: error });
      });
    return (out.Items ?? []).map((i) => unmarshall(i));
  }
}

/** Maps a stored outbox item (or a stream image of one) to the port's shape. */
export function toOutboxItem(item: Record<string, unknown>): OutboxItem {
  const replayBase = Number(item.replayBase ?? 0);
  return {
    senderId: String(item.senderId),
    noteId: String(item.noteId),
    version: Number(item.version),
    eventKind: item.eventKind as OutboxItem['eventKind'],
    state: item.state as DeliveryState,
    tenant: String(item.tenant),
    cell: String(item.cell),
    ehrTarget: String(item.ehrTarget),
    encounterRef: String(item.encounterRef),
    patientRef: item.patientRef === undefined ? undefined : String(item.patientRef),
    receivedAt: String(item.receivedAt),
    attempts: Number(item.attempts ?? 0),
    attemptsSinceReplay: Number(item.attempts ?? 0) - replayBase,
    deferrals: Number(item.deferrals ?? 0),
    nextAttemptAt: item.nextAttemptAt as string | undefined,
    resourceIds: item.resourceIds as OutboxItem['resourceIds'],
    lastAttempt: item.lastAttempt as OutboxItem['lastAttempt'],
    history: (item.history as OutboxItem['history']) ?? [],
    deliveredAt: item.deliveredAt as string | undefined,
    parkedAt: item.parkedAt as string | undefined,
    parkReason: item.parkReason as OutboxItem['parkReason'],
    operationOutcome: item.operationOutcome as OutboxItem['operationOutcome'],
    updatedAt: item.updatedAt as string | undefined,
  };
}

export { pad };
