import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { ReviewEvent, ReviewState, ReviewStatus } from '../../domain/review/review.js';
import type { ReviewStore } from '../../ports/reviews.js';
import { queryItems } from './query-pages.js';

/** Keys of BatchGetItem's one request at most. */
const BATCH_GET_MAX = 100;

const partition = (ref: string) => `REVIEW#${ref}`;
const STATUS = 'STATUS';
const eventKey = (version: number) => `EVENT#${String(version).padStart(8, '0')}`;

const storageError = (what: string, cause: unknown) =>
  new AppError('storage-unavailable', `review ${what} failed`, {}, { cause });

/**
 * Review state on the cell table, beside the ledger it reviews: per ledger record
 * a partition `REVIEW#<shard>:<seq>` with its `STATUS` (state, version) and one
 * `EVENT#<version>` item per change, written together in one conditional
 * transaction. Ledger records themselves never change.
 */
export class DynamoReviewStore implements ReviewStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async statuses(refs: readonly string[]): Promise<Map<string, ReviewStatus>> {
    const found = new Map<string, ReviewStatus>();
    const unique = [...new Set(refs)];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, AttributeValue>> | undefined = unique
        .slice(i, i + BATCH_GET_MAX)
        .map((ref) => marshall({ pk: partition(ref), sk: STATUS }));
      while (keys && keys.length > 0) {
        const out: BatchGetItemCommandOutput = await this.client
          .send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
            }),
          )
          .catch((error: unknown) => {
            throw storageError('read', error);
          });
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const status = toStatus(unmarshall(item));
          found.set(status.ref, status);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return new Map(unique.map((ref) => [ref, found.get(ref) ?? { ref, state: 'unreviewed', version: 0 }]));
  }

  async record(event: ReviewEvent): Promise<void> {
    const pk = partition(event.ref);
    const first = event.version === 1;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({
                  pk,
                  sk: STATUS,
                  ref: event.ref,
                  state: event.to,
                  version: event.version,
                  at: event.at,
                  by: event.by,
                }),
                ConditionExpression: first ? 'attribute_not_exists(pk)' : 'version = :previous',
                ...(first ? {} : { ExpressionAttributeValues: marshall({ ':previous': event.version - 1 }) }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: marshall(
                  { pk, sk: eventKey(event.version), ...event },
                  { removeUndefinedValues: true },
                ),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new AppError(
          'review-conflict',
          `entry ${event.ref} was reviewed by someone else meanwhile; reload it`,
          {
            ref: event.ref,
          },
        );
      throw storageError('write', error);
    }
  }

  async history(ref: string): Promise<ReviewEvent[]> {
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: marshall({ ':pk': partition(ref), ':event': 'EVENT#' }),
        ConsistentRead: true,
      },
      (error) => storageError('history read', error),
    );
    return items.map(({ pk: _pk, sk: _sk, ...event }) => event as unknown as ReviewEvent);
  }
}

function toStatus(item: Record<string, unknown>): ReviewStatus {
  return {
    ref: String(item.ref),
    state: item.state as ReviewState,
    version: Number(item.version),
    ...(item.at ? { at: String(item.at) } : {}),
    ...(item.by ? { by: String(item.by) } : {}),
  };
}
