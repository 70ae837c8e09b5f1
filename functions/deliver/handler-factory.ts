import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toCallbackRow, toOutboxItem } from '../../shared/adapters/dynamodb/outbox-items.js';
import { type CallbackDeps, processCallbackRecord } from './process-callback.js';
import { type DeliverDeps, processOutboxRecord } from './process-outbox.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** The states that call for a try, for outbox items and callback rows alike; the stream filters on these too. */
export const DELIVERABLE_STATES = ['pending', 'retrying'] as const;

/**
 * The worker's two lanes, each its own event source mapping (and local stream
 * poller) with its own filter: note deliveries, and sender callbacks (item `type`).
 * A callback's retries and timeouts never hold up a batch of notes.
 */
export const DELIVERY_LANES = { notes: 'outbox', callbacks: 'callback' } as const;
export type DeliveryLane = keyof typeof DELIVERY_LANES;

/** The stream filter of one lane: an INSERT or MODIFY of an item of the lane's type that wants a try. */
export const inLane =
  (lane: DeliveryLane) =>
  (record: DynamoDBRecord): boolean => {
    const image = record.dynamodb?.NewImage;
    return (
      (record.eventName === 'INSERT' || record.eventName === 'MODIFY') &&
      image?.type?.S === DELIVERY_LANES[lane] &&
      (DELIVERABLE_STATES as readonly string[]).includes(image?.state?.S ?? '')
    );
  };

const isNote = inLane('notes');
const isCallback = inLane('callbacks');

/** Whether a stream record announces an outbox item or a callback row that wants a try (either lane). */
export const isDeliverable = (record: DynamoDBRecord): boolean => isNote(record) || isCallback(record);

/**
 * How the worker's stream is read, the same for the event source mappings in AWS
 * (infra/cdk/constructs/delivery-stream.ts) and the local stream pollers
 * (infra/local/workers.ts): records per batch, and retries of a failing batch before
 * its records go to the on-failure destination.
 */
export const DELIVERY_STREAM = { batchSize: 25, retryAttempts: 8 } as const;

/** Patients worked on at once within a batch; records of one patient stay in order. */
export const PATIENT_CONCURRENCY = 8;
/** Callbacks sent at once within a batch. */
const CALLBACK_CONCURRENCY = 8;

type Indexed = { index: number; record: DynamoDBRecord };

/**
 * The delivery worker: consumes the cell table's stream (event source mappings in
 * AWS, stream pollers locally). Note records are grouped by patient: groups run
 * concurrently, each in stream order, so nothing of one patient (and so of one
 * encounter) overtakes another, and two deliveries never race to create the same
 * Patient on an EHR without conditional create. Callback records run side by side,
 * in no order. A record that throws stops its group and is reported as a batch
 * item failure (the earliest such record), so the stream retries from there;
 * records after it that were already handled come back as stale and do nothing.
 */
export function makeDeliverHandler(deps: DeliverDeps & CallbackDeps): StreamHandler {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async (event) => {
      const groups = new Map<string, Indexed[]>();
      const callbacks: Indexed[][] = [];
      event.Records.forEach((record, index) => {
        if (isCallback(record)) callbacks.push([{ index, record }]);
        if (!isNote(record)) return;
        const image = record.dynamodb?.NewImage;
        const patient = image?.patientRef?.S ?? image?.encounterRef?.S ?? String(index);
        groups.set(patient, [...(groups.get(patient) ?? []), { index, record }]);
      });
      let firstFailed: number | undefined;
      const runGroup = async (group: Indexed[]) => {
        for (const { index, record } of group) {
          if (firstFailed !== undefined && index > firstFailed) return;
          if (!(await processRecord(deps, record))) {
            firstFailed = Math.min(firstFailed ?? index, index);
            return;
          }
        }
      };
      const pool = (queue: Indexed[][], size: number) =>
        Array.from({ length: Math.min(size, queue.length) }, async () => {
          for (let group = queue.shift(); group; group = queue.shift()) await runGroup(group);
        });
      await Promise.all([
        ...pool([...groups.values()], PATIENT_CONCURRENCY),
        ...pool(callbacks, CALLBACK_CONCURRENCY),
      ]);
      const failed = firstFailed === undefined ? undefined : event.Records[firstFailed];
      return { batchItemFailures: failed ? [{ itemIdentifier: failed.dynamodb?.SequenceNumber ?? '' }] : [] };
    });
}

/** One record: true when handled (delivered, parked, retried later, or stale), false when it must be retried. */
async function processRecord(deps: DeliverDeps & CallbackDeps, record: DynamoDBRecord): Promise<boolean> {
  const image = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  try {
    if (image.type === DELIVERY_LANES.callbacks) await processCallbackRecord(deps, toCallbackRow(image));
    else await processOutboxRecord(deps, toOutboxItem(image));
    return true;
  } catch (error) {
    deps.logger.error('delivery record failed', {
      noteId: image.noteId,
      version: image.version,
      lane: image.type,
      errorName: error instanceof Error ? error.name : typeof error,
      code: (error as { code?: string }).code,
    });
    return false;
  }
}
