import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CallbackChange, CallbackKey, CallbackRow } from '../../domain/delivery/callback.js';
import { AppError } from '../../domain/errors.js';
import type { CallbackOutbox, Page } from '../../ports/outbox.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { callbackItemKey, toCallbackRow } from './outbox-items.js';

/** gsi1 partition of callbacks that ended `failed`, so HIMs can list them. */
export const FAILED_CALLBACKS = 'CALLBACK#failed';

/**
 * Sender callback rows on the cell table (created by delivery transitions). Each
 * try is a conditional update on the row's attempt counter, so two workers never
 * both record a try.
 */
export class DynamoCallbackOutbox implements CallbackOutbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async getCallback(key: CallbackKey): Promise<CallbackRow | undefined> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(callbackItemKey(key)),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'callback read failed', {}, { cause: error });
      });
    return out.Item ? toCallbackRow(unmarshall(out.Item)) : undefined;
  }

  async recordCallbackTry(
    key: CallbackKey,
    expectedAttempts: number,
    change: CallbackChange,
    at: string,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':expected': expectedAttempts,
      ':next': expectedAttempts + 1,
      ':state': change.state,
      ':at': at,
    };
    const set = ['#state = :state', 'attempts = :next', 'updatedAt = :at'];
    const remove: string[] = [];
    if (change.state === 'retrying') {
      set.push('nextAttemptAt = :nextAt');
      values[':nextAt'] = change.nextAttemptAt;
    } else remove.push('nextAttemptAt');
    if (change.state !== 'delivered') {
      set.push('lastError = :error');
      values[':error'] = change.lastError;
    }
    if (change.state === 'failed') {
      set.push('gsi1pk = :gsi', 'gsi1sk = :gsisk');
      values[':gsi'] = FAILED_CALLBACKS;
      values[':gsisk'] = `${at}#${key.senderId}#${key.noteId}#${key.version}`;
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(callbackItemKey(key)),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attempts = :expected',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall(values),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw new AppError('storage-unavailable', 'callback write failed', {}, { cause: error });
    }
  }

  async listFailedCallbacks(page: { limit: number; cursor?: string }): Promise<Page<CallbackRow>> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': FAILED_CALLBACKS }),
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor),
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'callback query failed', {}, { cause: error });
      });
    return {
      items: (out.Items ?? []).map((i) => toCallbackRow(unmarshall(i))),
      nextCursor: encodeCursor(out.LastEvaluatedKey),
    };
  }
}
