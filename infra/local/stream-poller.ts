import { localContext } from './api-gateway.js';
import { CheckpointStore } from './stream/checkpoint.js';
import { ShardCursor } from './stream/shard-cursor.js';
import { ShardWorker } from './stream/shard-worker.js';
import { latestStreamArn, listShards, shardsToStart } from './stream/shards.js';
import type {
  StreamPoller,
  StreamPollerCounters,
  StreamPollerOptions,
  StreamPollerStats,
} from './stream/types.js';

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return value;
}

/** The options with their defaults, checked. */
type Settings = Required<
  Pick<StreamPollerOptions, 'batchSize' | 'maxRetries' | 'pollIntervalMs' | 'maxIdlePollMs' | 'retryDelayMs'>
>;

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
  const pollIntervalMs = checkCount('pollIntervalMs', options.pollIntervalMs ?? 250, 1);
  const settings: Settings = {
    batchSize: checkCount('batchSize', options.batchSize ?? 10, 1),
    maxRetries: checkCount('maxRetries', options.maxRetries ?? 5, 0),
    pollIntervalMs,
    maxIdlePollMs: checkCount('maxIdlePollMs', options.maxIdlePollMs ?? pollIntervalMs, pollIntervalMs),
    retryDelayMs: checkCount('retryDelayMs', options.retryDelayMs ?? 200, 0),
  };
  const streamArn = await latestStreamArn(options.dynamo, options.tableName);
  const coordinator = new StreamCoordinator(options, settings, streamArn);
  await coordinator.open();
  return coordinator;
}

/**
 * One table's stream: lists its shards, runs a `ShardWorker` per shard that is
 * ready (its parent drained), refreshes the list when a shard finishes, on `idle()` and every
 * `8 × maxIdlePollMs`, and tells `idle()` waiters when every shard has caught up.
 */
class StreamCoordinator implements StreamPoller {
  private readonly abort = new AbortController();
  private readonly counters: StreamPollerCounters = {
    invocations: 0,
    recordsDelivered: 0,
    recordsProcessed: 0,
    recordsFiltered: 0,
    recordsFailed: 0,
    retries: 0,
    errors: 0,
  };
  private readonly workers = new Map<string, { worker: ShardWorker; done: Promise<void> }>();
  private readonly waiters: { stamp: number; resolve: () => void }[] = [];
  private checkpoints: CheckpointStore | undefined;
  private clock = 0;
  /** The stamp at which the last shard listing started; -1 when a shard finished since. */
  private listedAt = -1;
  private finishedShards = 0;
  private refreshRequested = false;
  /** Ends the coordinator's wait, or makes its next wait return at once. */
  private wake = () => {
    this.refreshRequested = true;
  };
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: StreamPollerOptions,
    private readonly settings: Settings,
    private readonly streamArn: string,
  ) {}

  /** Reads the checkpoints and starts coordinating. */
  async open(): Promise<void> {
    this.checkpoints = await CheckpointStore.open(this.streamArn, this.options.checkpointFile, this.onError);
    this.running = this.coordinate();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      this.wake();
      await this.running;
      await Promise.all([...this.workers.values()].map(({ done }) => done));
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
      await this.checkpoints?.flush();
    })();
    return this.stopping;
  }

  idle(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push({ stamp: this.tick(), resolve });
      this.wake();
      this.wakeShards();
    });
  }

  wakeShards(): void {
    for (const { worker } of this.workers.values()) worker.wake();
  }

  stats(): StreamPollerStats {
    return {
      ...this.counters,
      streamArn: this.streamArn,
      activeShards: this.workers.size,
      finishedShards: this.finishedShards,
    };
  }

  private readonly tick = () => ++this.clock;

  /** Counts and reports a poller-level error; an error sink that throws must not stop the shards. */
  private readonly onError = (error: unknown) => {
    this.counters.errors += 1;
    try {
      (this.options.onError ?? ((e: unknown) => console.error('stream poller:', e)))(error);
    } catch {
      // Counted in stats() already.
    }
  };

  private readonly checkIdle = () => {
    const all = [...this.workers.values()];
    for (const waiter of [...this.waiters]) {
      if (this.listedAt > waiter.stamp && all.every(({ worker }) => worker.caughtUpSince(waiter.stamp))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  private async coordinate(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      this.refreshRequested = false;
      try {
        await this.refreshShards();
      } catch (error) {
        if (signal.aborted) break;
        this.onError(error);
      }
      this.checkIdle();
      if (this.refreshRequested || signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.wake(), this.settings.maxIdlePollMs * 8);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = () => {
            this.refreshRequested = true;
          };
          resolve();
        };
      });
    }
  }

  private async refreshShards(): Promise<void> {
    const checkpoints = this.requireCheckpoints();
    const started = this.tick();
    const shards = await listShards(this.options.client, this.streamArn, this.abort.signal);
    checkpoints.retain(new Set(shards.flatMap((s) => (s.ShardId ? [s.ShardId] : []))));
    const drained = (id: string) => checkpoints.get(id)?.finished === true;
    for (const id of shardsToStart(shards, (id) => this.workers.has(id), drained)) this.startWorker(id);
    this.listedAt = started;
  }

  private startWorker(shardId: string): void {
    const { options, settings } = this;
    const reads = options.sharedReads
      ? options.sharedReads.join(this.streamArn, shardId, this.onError)
      : new ShardCursor(options.client, this.streamArn, shardId, this.onError);
    const worker = new ShardWorker({
      reads,
      streamArn: this.streamArn,
      shardId,
      checkpoints: this.requireCheckpoints(),
      invoke: async (records) =>
        options.handler({ Records: structuredClone(records) }, localContext(options.functionName)),
      filter: options.filter ?? (() => true),
      onFailure: options.onFailure ?? (async () => undefined),
      onError: this.onError,
      batchSize: settings.batchSize,
      maxRetries: settings.maxRetries,
      bisectOnError: options.bisectOnError ?? true,
      pollIntervalMs: settings.pollIntervalMs,
      maxIdlePollMs: settings.maxIdlePollMs,
      retryDelayMs: settings.retryDelayMs,
      counters: this.counters,
      signal: this.abort.signal,
      tick: this.tick,
      progressed: this.checkIdle,
    });
    const done = worker
      .run()
      .catch(this.onError)
      .finally(() => {
        if ('leave' in reads) reads.leave();
        this.workers.delete(shardId);
        if (!worker.finished) return;
        this.finishedShards += 1;
        this.listedAt = -1;
        this.wake();
      });
    this.workers.set(shardId, { worker, done });
  }

  private requireCheckpoints(): CheckpointStore {
    if (!this.checkpoints) throw new Error('the stream poller is not open');
    return this.checkpoints;
  }
}
