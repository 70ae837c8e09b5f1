import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toOutboxItem } from '../../shared/adapters/dynamodb/outbox-store.js';
import { type DeliverDeps, processOutboxRecord } from './process-outbox.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** The outbox states that call for an attempt; the event source mapping filters on these too. */
export const DELIVERABLE_STATES = ['pending', 'retrying'] as const;

/** Whether a stream record announces an outbox item that wants an attempt. */
export function isDeliverable(record: DynamoDBRecord): boolean {
  const image = record.dynamodb?.NewImage;
  return (
    (record.eventName === 'INSERT' || record.eventName === 'MODIFY') &&
    image?.type?.S === 'outbox' &&
    (DELIVERABLE_STATES as readonly string[]).includes(image.state?.S ?? '')
  );
}

/**
 * The delivery worker: consumes the cell table's stream (event source mapping in
 * AWS, the stream poller locally), one record at a time in order. A record that
 * throws is reported as a batch item failure and the rest of the batch is left
 * for the retry, so nothing overtakes it.
 */
export function makeDeliverHandler(deps: DeliverDeps): StreamHandler {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async (event) => {
      for (const record of event.Records) {
        if (!isDeliverable(record)) continue;
        let image: ReturnType<typeof toOutboxItem> | undefined;
        try {
          image = toOutboxItem(unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>));
          await processOutboxRecord(deps, image);
        } catch (error) {
          deps.logger.error('delivery record failed', {
            noteId: image?.noteId,
            version: image?.version,
            errorName: error instanceof Error ? error.name : typeof error,
            code: (error as { code?: string }).code,
          });
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
        }
      }
      return { batchItemFailures: [] };
    });
}
