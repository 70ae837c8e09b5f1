import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** CloudWatch namespace of visitbridge's own metrics. */
export const METRIC_NAMESPACE = 'visitbridge';

/**
 * Structured log fields the alarms count. The delivery worker logs
 * `{"outcome":"parked"}` when it parks a delivery; the HIM API (a failed
 * verification) and the digest function (a chain it refused to seal) log
 * `{"outcome":"ledger-verification-failed"}`.
 */
export const ALARM_LOG_OUTCOMES = {
  ParkedDeliveries: 'parked',
  LedgerVerificationFailures: 'ledger-verification-failed',
} as const;

export interface CellAlarmsProps {
  cellId: string;
  functions: { name: string; fn: IFunction }[];
  deliverLogs: ILogGroup;
  /** Log groups of the functions that log verification failures; one metric counts them all. */
  verificationLogs: { name: string; logGroup: ILogGroup }[];
  /** Queues that hold failed work; any message in them is an alarm. */
  deadLetterQueues: { name: string; queue: IQueue }[];
  streamConsumer: IFunction;
  topicKey: IKey;
}

/**
 * Alarms of a cell, all notifying one KMS-encrypted SNS topic. docs/deploy.md
 * says what to do for each.
 */
export class CellAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: CellAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      topicName: `visitbridge-${props.cellId}-alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, description: string, threshold = 0): void => {
      new Alarm(this, name, {
        alarmName: `visitbridge-${props.cellId}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    };

    const countOutcome = (metricName: keyof typeof ALARM_LOG_OUTCOMES, logGroups: ILogGroup[]): Metric => {
      logGroups.forEach((logGroup, index) => {
        new MetricFilter(this, `${metricName}Filter${index === 0 ? '' : index + 1}`, {
          logGroup,
          filterPattern: FilterPattern.stringValue('$.outcome', '=', ALARM_LOG_OUTCOMES[metricName]),
          metricNamespace: METRIC_NAMESPACE,
          metricName,
          metricValue: '1',
        });
      });
      return new Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    };

    alarm(
      'ParkedDeliveries',
      countOutcome('ParkedDeliveries', [props.deliverLogs]),
      'A delivery was parked: the EHR rejected it or retries ran out. Review it in the HIM console and replay.',
    );
    alarm(
      'LedgerVerificationFailures',
      countOutcome(
        'LedgerVerificationFailures',
        props.verificationLogs.map((v) => v.logGroup),
      ),
      'The transfers ledger or the HIM audit log failed verification, or the digest function refused to seal one: an entry or digest was edited, removed, inserted or reordered.',
    );
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `Messages in ${name}: work failed after every retry.`,
      );
    }
    for (const { name, fn } of props.functions) {
      alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `${name} function errors.`);
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: Duration.minutes(5) }),
        `${name} function throttled.`,
      );
    }
    alarm(
      'DeliveryIteratorAge',
      props.streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      'The delivery worker is more than 5 minutes behind the table stream.',
      Duration.minutes(5).toMilliseconds(),
    );
  }
}
