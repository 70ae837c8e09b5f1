import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { DELIVERABLE_STATES } from '../../../functions/deliver/handler-factory.js';

/** Partition-key prefix of delivery outbox items (shared/adapters/dynamodb/table-definition.ts). */
export const OUTBOX_PREFIX = 'OUTBOX#';

/** Retries of a failing stream batch (bisected) before its records go to the dead-letter queue; the local poller uses 8 too. */
export const STREAM_RETRY_ATTEMPTS = 8;

/**
 * The event source mapping's filter, the same test as the worker's `isDeliverable`:
 * an INSERT or MODIFY whose new image is an outbox item in a deliverable state.
 * Items that moved on (delivered, parked) never invoke the worker.
 */
export const DELIVERABLE_FILTER = {
  eventName: FilterRule.or('INSERT', 'MODIFY'),
  dynamodb: {
    Keys: { pk: { S: FilterRule.beginsWith(OUTBOX_PREFIX) } },
    NewImage: {
      type: { S: FilterRule.isEqual('outbox') },
      state: { S: FilterRule.or(...DELIVERABLE_STATES) },
    },
  },
};

export interface DeliveryStreamProps {
  table: ITableV2;
  worker: IFunction;
  queueKey: IKey;
}

/**
 * Feeds outbox items from the cell table's stream to the delivery worker:
 * per-item failure reporting, bisection on error, bounded retries, and a
 * dead-letter queue that records batches that still failed.
 */
export class DeliveryStream extends Construct {
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryStreamProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    DeliveryStream.acknowledgeDeadLetterQueue(this.deadLetterQueue);
    props.worker.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter(DELIVERABLE_FILTER)],
      }),
    );
  }

  /** A dead-letter queue has no dead-letter queue of its own. */
  static acknowledgeDeadLetterQueue(queue: IConstruct): void {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue; its depth alarms and an operator drains it.',
    });
  }
}
