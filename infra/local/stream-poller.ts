import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localContext } from './api-gateway.js';
import { CheckpointStore } from './stream/checkpoint.js';
import { ShardWorker, type StreamFailure, type StreamPollerCounters } from './stream/shard-worker.js';
import { latestStreamArn, listShards, shardsToStart } from './stream/shards.js';

export type { StreamFailure } from './stream/shard-worker.js';

/** A DynamoDB stream Lambda handler (`DynamoDBStreamHandler` without the callback form). */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing reports full success, as in aws-lambda's own type
) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  /** Streams client pointed at DynamoDB Local (fixed LOCAL_CREDENTIALS). */
  client: DynamoDBStreamsClient;
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
  /** First retry delay, doubled per failed attempt up to 30 s (default 200 ms). */
  retryDelayMs?: number;
  /** Filter criteria: records it rejects are skipped (and checkpointed) before batching. */
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
  stats(): StreamPollerStats;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return value;
}

/**
 * Runs a DynamoDB stream consumer that behaves like Lambda's event source
 * mapping, for the local runtime: each shard is read in order (parents before
 * children), batches of matching records go to the same handler with the same
 * event shape, partial batch failures retry from the failed record, a thrown
 * batch is bisected, a record is given up to `onFailure` after `maxRetries`,
 * and positions are checkpointed only once records are handled.
 *
 * @throws when an option is out of range, the table has no stream, or the
 *   checkpoint file cannot be read.
 * @example
 * const poller = await startStreamPoller({ client, dynamo, tableName, handler, functionName: 'deliver' });
 * await poller.idle();
 * await poller.stop();
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const batchSize = checkCount('batchSize', options.batchSize ?? 10, 1);
  const maxRetries = checkCount('maxRetries', options.maxRetries ?? 5, 0);
  const pollIntervalMs = checkCount('pollIntervalMs', options.pollIntervalMs ?? 250, 1);
  const retryDelayMs = checkCount('retryDelayMs', options.retryDelayMs ?? 200, 0);
  const onError = options.onError ?? ((error: unknown) => console.error('stream poller:', error));
  const streamArn = await latestStreamArn(options.dynamo, options.tableName);
  const checkpoints = await CheckpointStore.open(streamArn, options.checkpointFile, onError);

  const abort = new AbortController();
  const counters: StreamPollerCounters = {
    invocations: 0,
    recordsDelivered: 0,
    recordsProcessed: 0,
    recordsFiltered: 0,
    recordsFailed: 0,
    retries: 0,
    errors: 0,
  };
  const workers = new Map<string, { worker: ShardWorker; done: Promise<void> }>();
  const waiters: { stamp: number; resolve: () => void }[] = [];
  let clock = 0;
  const tick = () => ++clock;
  let listedAt = -1;
  let finishedShards = 0;
  let refreshRequested = false;
  const requestRefresh = () => {
    refreshRequested = true;
  };
  /** Ends the coordinator's wait, or makes its next wait return at once. */
  let wake = requestRefresh;

  const checkIdle = () => {
    const all = [...workers.values()];
    for (const waiter of [...waiters]) {
      if (listedAt > waiter.stamp && all.every(({ worker }) => worker.caughtUpSince(waiter.stamp))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const startWorker = (shardId: string) => {
    const worker = new ShardWorker({
      client: options.client,
      streamArn,
      shardId,
      checkpoints,
      invoke: async (records) =>
        options.handler({ Records: structuredClone(records) }, localContext(options.functionName)),
      filter: options.filter ?? (() => true),
      onFailure: options.onFailure ?? (async () => undefined),
      onError,
      batchSize,
      maxRetries,
      bisectOnError: options.bisectOnError ?? true,
      pollIntervalMs,
      retryDelayMs,
      counters,
      signal: abort.signal,
      tick,
      progressed: checkIdle,
    });
    const done = worker
      .run()
      .catch((error: unknown) => {
        counters.errors += 1;
        onError(error);
      })
      .finally(() => {
        workers.delete(shardId);
        if (!worker.finished) return;
        finishedShards += 1;
        listedAt = -1;
        wake();
      });
    workers.set(shardId, { worker, done });
  };

  const refreshShards = async () => {
    const started = tick();
    const shards = await listShards(options.client, streamArn, abort.signal);
    checkpoints.retain(new Set(shards.flatMap((s) => (s.ShardId ? [s.ShardId] : []))));
    const drained = (id: string) => checkpoints.get(id)?.finished === true;
    for (const id of shardsToStart(shards, (id) => workers.has(id), drained)) startWorker(id);
    listedAt = started;
  };

  const coordinate = async () => {
    while (!abort.signal.aborted) {
      refreshRequested = false;
      try {
        await refreshShards();
      } catch (error) {
        if (abort.signal.aborted) break;
        counters.errors += 1;
        onError(error);
      }
      checkIdle();
      if (refreshRequested || abort.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => wake(), pollIntervalMs * 8);
        wake = () => {
          clearTimeout(timer);
          wake = requestRefresh;
          resolve();
        };
      });
    }
  };
  const coordinator = coordinate();

  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= (async () => {
        abort.abort();
        wake();
        await coordinator;
        await Promise.all([...workers.values()].map(({ done }) => done));
        for (const waiter of waiters.splice(0)) waiter.resolve();
        await checkpoints.flush();
      })();
      return stopping;
    },
    idle: () => {
      if (abort.signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push({ stamp: tick(), resolve });
        wake();
      });
    },
    stats: () => ({
      ...counters,
      streamArn,
      activeShards: workers.size,
      finishedShards,
    }),
  };
}
