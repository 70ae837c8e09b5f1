import { localContext } from './api-gateway.js';
import { CheckpointStore } from './stream/checkpoint.js';
import { ShardWorker } from './stream/shard-worker.js';
import { latestStreamArn, listShards, shardsToStart } from './stream/shards.js';
import type { StreamPoller, StreamPollerCounters, StreamPollerOptions } from './stream/types.js';

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
  const sink = options.onError ?? ((error: unknown) => console.error('stream poller:', error));
  const streamArn = await latestStreamArn(options.dynamo, options.tableName);

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
  const onError = (error: unknown) => {
    counters.errors += 1;
    try {
      sink(error);
    } catch {
      // An error sink that throws must not stop the shards: the error is counted in stats().
    }
  };
  const checkpoints = await CheckpointStore.open(streamArn, options.checkpointFile, onError);
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
      .catch(onError)
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
