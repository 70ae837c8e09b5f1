import { TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { AppError } from '../../domain/errors.js';

const keyPk = (item: TransactWriteItem | undefined): string | undefined =>
  (item?.Put?.Item ?? item?.Update?.Key ?? item?.Delete?.Key ?? item?.ConditionCheck?.Key)?.pk?.S;

/**
 * True when a TransactWriteItems was cancelled because a chain item's condition
 * failed (a HEAD moved on, or a seq was taken: another writer appended first) or
 * because another transaction touched the same items at the same time. Either
 * way the whole transaction can be re-prepared on the new heads and retried.
 * A failed condition on any other item (say an idempotency record or a digest)
 * is not one. `holdsShard` tells the chain's shard partitions from the rest.
 */
export function isChainConflict(
  error: unknown,
  holdsShard: (pk: string) => boolean,
  items?: readonly TransactWriteItem[],
): boolean {
  if (
    !(error instanceof TransactionCanceledException) &&
    (error as Error | undefined)?.name !== 'TransactionCanceledException'
  ) {
    return false;
  }
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.some((reason, index) => {
    if (reason.Code === 'TransactionConflict') return true;
    if (reason.Code !== 'ConditionalCheckFailed') return false;
    const pk = reason.Item?.pk?.S ?? keyPk(items?.[index]);
    return pk !== undefined && holdsShard(pk);
  });
}

/** A DynamoDB failure as the application's 503, the SDK error kept as `cause` (never in the detail). */
export const storageError = (detail: string, error: unknown): AppError =>
  error instanceof AppError ? error : new AppError('storage-unavailable', detail, {}, { cause: error });
