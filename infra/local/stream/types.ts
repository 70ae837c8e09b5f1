import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { SharedStreamReads } from './shared-reads.js';

/** What the on-failure destination receives for records that are given up. */
export interface StreamFailure {
  records: DynamoDBRecord[];
  reason: string;
  attempts: number;
}

/** Counters the poller reports in `stats()`. */
export interface StreamPollerCounters {
  /** Handler calls. */
  invocations: number;
  /** Records passed to the handler, retries included. */
  recordsDelivered: number;
  /** Records the handler succeeded with (checkpointed). */
  recordsProcessed: number;
  /** Records the filter rejected (checkpointed, never delivered). */
  recordsFiltered: number;
  /** Records handed to `onFailure`. */
  recordsFailed: number;
  /** Failed invocations that were followed by a retry (bisected halves included). */
  retries: number;
  /** Poller-level errors reported to `onError`. */
  errors: number;
}

/** A DynamoDB stream Lambda handler (`DynamoDBStreamHandler` without the callback form). */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing reports full success, as in aws-lambda's own type
) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  /** Streams client pointed at DynamoDB Local (fixed LOCAL_CREDENTIALS). */
  client: DynamoDBStreamsClient;
  /**
   * A read of the stream shared with other pollers of the same table: each shard's records are
   * read once for all of them (`client` still lists the shards). Without it the poller reads on its own.
   */
  sharedReads?: SharedStreamReads;
  /** Used once, to find the table's latest stream. */
  dynamo: DynamoDBClient;
  tableName: string;
  /** The very Lambda handler deployed behind the event source mapping. */
  handler: StreamHandler;
  /** Function name in the Lambda `Context` the handler receives. */
  functionName: string;
  /** Most records per invocation (default 10). */
  batchSize?: number;
  /** `retryAttempts`: retries of a failing record before it is given up (default 5). */
  maxRetries?: number;
  /** `bisectBatchOnError` (default true). */
  bisectOnError?: boolean;
  /** Wait after a read that found nothing (default 250 ms). */
  pollIntervalMs?: number;
  /**
   * Longest wait between reads of a shard that keeps finding nothing: each empty read doubles
   * the wait, from `pollIntervalMs` up to this (default `pollIntervalMs`: no backing off).
   * `wakeShards()` cuts a wait back to `pollIntervalMs`. The shard list is refreshed every
   * `8 × maxIdlePollMs`.
   */
  maxIdlePollMs?: number;
  /** First retry delay, doubled per failed attempt up to 30 s (default 200 ms). */
  retryDelayMs?: number;
  /**
   * Filter criteria: records it rejects are skipped (and checkpointed) before batching.
   * It sees a record's event name, keys, new image and sequence number (`filterView`),
   * not its old image; only records it accepts are converted whole.
   */
  filter?: (record: DynamoDBRecord) => boolean;
  /** JSON file of per-shard positions, so a restart resumes after the last handled record. */
  checkpointFile?: string;
  /** The on-failure destination for records given up after `maxRetries`. */
  onFailure?: (failure: StreamFailure) => Promise<void>;
  /** Poller-level errors (SDK calls, checkpoint writes); the poller keeps going. */
  onError?: (error: unknown) => void;
}

export interface StreamPollerStats extends StreamPollerCounters {
  streamArn: string;
  /** Shards being read now. */
  activeShards: number;
  /** Closed shards drained by this poller since it started. */
  finishedShards: number;
}

export interface StreamPoller {
  /** Stops reading, waits for the batch in flight and writes the checkpoint; rejects if that write fails. */
  stop(): Promise<void>;
  /** Resolves once every shard was read up to date after this call and no batch is in flight (or on stop). */
  idle(): Promise<void>;
  /**
   * Something may have been written to the table: every shard is read again within
   * `pollIntervalMs`, not after its longer idle wait. Lambda's pollers have no such signal;
   * locally it keeps reads of a quiet stream rare and delivery prompt.
   */
  wakeShards(): void;
  stats(): StreamPollerStats;
}
