import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import {
  DELIVERABLE_STATES,
  DELIVERY_LANES,
  DELIVERY_STREAM,
  type DeliveryLane,
} from '../../../functions/deliver/handler-factory.js';
import { deadLetterQueue } from './dead-letter-queue.js';

/** Partition-key prefix of a note's partition, which holds its outbox items and callback rows (table-definition.ts). */
export const NOTE_PREFIX = 'NOTE#';

/**
 * A lane's event source mapping filter, the same test as the worker's `inLane`:
 * an INSERT or MODIFY whose new image is an item of the lane (outbox item or
 * callback row) in a deliverable state. Items that moved on (delivered, parked,
 * failed) never invoke the worker.
 */
export const laneFilter = (lane: DeliveryLane) => ({
  eventName: FilterRule.or('INSERT', 'MODIFY'),
  dynamodb: {
    Keys: { pk: { S: FilterRule.beginsWith(NOTE_PREFIX) } },
    NewImage: {
      type: { S: FilterRule.isEqual(DELIVERY_LANES[lane]) },
      state: { S: FilterRule.or(...DELIVERABLE_STATES) },
    },
  },
});

export interface DeliveryStreamProps {
  table: ITableV2;
  worker: IFunction;
  queueKey: IKey;
}

/**
 * Feeds the cell table's stream to the delivery worker in two lanes, one event
 * source mapping each (note deliveries; sender callbacks), so a slow callback
 * never holds up a batch of notes: per-item failure reporting, bisection on
 * error, bounded retries, and one dead-letter queue for records that still failed.
 */
export class DeliveryStream extends Construct {
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryStreamProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'Dlq', props.queueKey);
    DeliveryStream.acknowledgeDeadLetterQueue(this.deadLetterQueue);
    const common = {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: DELIVERY_STREAM.batchSize,
      maxBatchingWindow: Duration.seconds(1),
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: DELIVERY_STREAM.retryAttempts,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(this.deadLetterQueue),
    };
    // The notes lane keeps the mapping it always had; the callback lane is a second mapping on the same stream.
    props.worker.addEventSource(
      new DynamoEventSource(props.table, {
        ...common,
        filters: [FilterCriteria.filter(laneFilter('notes'))],
      }),
    );
    props.worker.addEventSourceMapping('CallbackLane', {
      ...common,
      eventSourceArn: props.table.tableStreamArn,
      filters: [FilterCriteria.filter(laneFilter('callbacks'))],
    });
  }

  /** A dead-letter queue has no dead-letter queue of its own. */
  static acknowledgeDeadLetterQueue(queue: IConstruct): void {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue; its depth alarms and an operator drains it.',
    });
  }
}
