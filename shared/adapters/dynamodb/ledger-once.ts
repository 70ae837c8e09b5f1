import { TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RecordedMovement } from '../../ports/ledger.js';
import type { Item } from './chain-items.js';

/** How long a recorded movement answers repeats: longer than any sender's retry schedule. */
const ONCE_TTL_SECONDS = 7 * 24 * 3600;

/** Key of the record that makes a movement's entries appear once (`ONCE#<key>` / `ONCE`). */
export const onceKey = (key: string) => ({ pk: `ONCE#${key}`, sk: 'ONCE' });

/** The Put, first in the append's transaction, that fails when the movement was recorded already. */
export function onceItem(
  tableName: string,
  key: string,
  recorded: RecordedMovement,
  now: Date,
): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: marshall({
        ...onceKey(key),
        type: 'recorded-movement',
        ...recorded,
        expiresAt: Math.floor(now.getTime() / 1000) + ONCE_TTL_SECONDS,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export const itemToRecorded = (item: Item): RecordedMovement => {
  const { bodyHash, receipt } = unmarshall(item) as RecordedMovement;
  return { bodyHash, receipt };
};

/** Whether a cancelled transaction failed on its first item's condition (the once record exists). */
export const onceTaken = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
