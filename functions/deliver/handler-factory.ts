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

/** Patients worked on at once within a batch; records of one patient stay in order. */
export const PATIENT_CONCURRENCY = 8;

/**
 * The delivery worker: consumes the cell table's stream (event source mapping in
 * AWS, the stream poller locally). Records are grouped by patient: groups run
 * concurrently, each in stream order, so nothing of one patient (and so of one
 * encounter) overtakes another, and two deliveries never race to create the same
 * Patient on an EHR without conditional create. A record that throws stops its group and is reported as a batch item
 * failure (the earliest such record), so the stream retries from there; records
 * after it that other groups already handled come back as stale and do nothing.
 */
export function makeDeliverHandler(deps: DeliverDeps): StreamHandler {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async (event) => {
      const groups = new Map<string, Array<{ index: number; record: DynamoDBRecord }>>();
      event.Records.forEach((record, index) => {
        if (!isDeliverable(record)) return;
        const image = record.dynamodb?.NewImage;
        const patient = image?.patientRef?.S ?? image?.encounterRef?.S ?? String(index);
        groups.set(patient, [...(groups.get(patient) ?? []), { index, record }]);
      });
      let firstFailed: number | undefined;
      const runGroup = async (group: Array<{ index: number; record: DynamoDBRecord }>) => {
        for (const { index, record } of group) {
          if (firstFailed !== undefined && index > firstFailed) return;
          if (!(await processRecord(deps, record))) {
            firstFailed = Math.min(firstFailed ?? index, index);
            return;
          }
        }
      };
      const queue = [...groups.values()];
      await Promise.all(
        Array.from({ length: Math.min(PATIENT_CONCURRENCY, queue.length) }, async () => {
          for (let group = queue.shift(); group; group = queue.shift()) await runGroup(group);
        }),
      );
      const failed = firstFailed === undefined ? undefined : event.Records[firstFailed];
      return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb?.SequenceNumber ?? '' }] : [] };
    });
}

/** One record: true when handled (delivered, parked, retried later, or stale), false when it must be retried. */
async function processRecord(deps: DeliverDeps, record: DynamoDBRecord): Promise<boolean> {
  let image: ReturnType<typeof toOutboxItem> | undefined;
  try {
    image = toOutboxItem(unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>));
    await processOutboxRecord(deps, image);
    return true;
  } catch (error) {
    deps.logger.error('delivery record failed', {
      noteId: image?.noteId,
      version: image?.version,
      errorName: error instanceof Error ? error.name : typeof error,
      code: (error as { code?: string }).code,
    });
    return false;
  }
}
