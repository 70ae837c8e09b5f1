import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBRecord } from 'aws-lambda';
import type { CheckpointStore } from './checkpoint.js';
import { filterView, sequenceOf, toLambdaRecord } from './event.js';
import { type Decision, decide, type RetryPolicy, readOutcome, type Settled } from './outcome.js';
import type { ShardReads } from './shard-cursor.js';
import type { StreamFailure, StreamPollerCounters } from './types.js';

export interface ShardWorkerConfig extends RetryPolicy {
  /** The shard's records: an iterator of the worker's own, or a read shared with other pollers of the stream. */
  reads: ShardReads;
  streamArn: string;
  shardId: string;
  checkpoints: CheckpointStore;
  invoke: (records: DynamoDBRecord[]) => Promise<unknown>;
  filter: (record: DynamoDBRecord) => boolean;
  onFailure: (failure: StreamFailure) => Promise<void>;
  /** Reports a poller-level error (and counts it); never throws. */
  onError: (error: unknown) => void;
  batchSize: number;
  pollIntervalMs: number;
  /** Longest wait after reads that found nothing: the wait doubles from `pollIntervalMs` up to this. */
  maxIdlePollMs: number;
  retryDelayMs: number;
  counters: StreamPollerCounters;
  signal: AbortSignal;
  /** A strictly increasing stamp, shared by the poller to order events. */
  tick: () => number;
  /** Called after every step, so the poller can resolve `idle()` waiters. */
  progressed: () => void;
}

interface Entry {
  record: DynamoDBRecord;
  sequence: string;
  matches: boolean;
}

const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined);

/**
 * Reads one shard in order and feeds its records to the handler, one batch in
 * flight, retrying and checkpointing as Lambda's event source mapping does.
 */
export class ShardWorker {
  private ended = false;
  private lastFetched: string | undefined;
  private readonly buffer: Entry[] = [];
  /** Sizes of the next batches (retries and bisected halves); empty means `batchSize`. */
  private readonly plan: number[] = [];
  private readonly failureCounts = new Map<string, number>();
  private caughtUpAt: number | undefined;
  private inFlight = false;
  /** Matching records of the batch in flight (still buffered until they are committed). */
  private inFlightCount = 0;
  /** The wait after the next read that finds nothing. */
  private idleWaitMs: number;
  /** Cuts the idle wait under way, if any, down to `pollIntervalMs`. */
  private cutWait: (() => void) | undefined;
  finished = false;

  constructor(private readonly config: ShardWorkerConfig) {
    this.idleWaitMs = config.pollIntervalMs;
  }

  /**
   * Something may have been written to the table: the idle wait under way ends once it has lasted
   * `pollIntervalMs` (at once if it has), and the back-off starts again from there. Reads that find
   * nothing stay at least `pollIntervalMs` apart, as without back-off.
   */
  wake(): void {
    this.idleWaitMs = this.config.pollIntervalMs;
    this.cutWait?.();
  }

  /** True when the shard had nothing new in a read that started after `stamp` and nothing is pending. */
  caughtUpSince(stamp: number): boolean {
    return !this.inFlight && this.buffer.length === 0 && (this.caughtUpAt ?? -1) > stamp;
  }

  /** Runs until the shard is closed and drained (`finished`) or the poller stops. */
  async run(): Promise<void> {
    const { signal } = this.config;
    while (!signal.aborted) {
      try {
        // The next page is read while a batch is in flight, so the batch after it starts at once.
        const delivering = this.deliverNext();
        const [deliver, fetch] = await Promise.allSettled([delivering, this.fetch()]);
        if (deliver.status === 'rejected') throw deliver.reason;
        if (fetch.status === 'rejected') throw fetch.reason;
        const fetched = fetch.value;
        const delivered = deliver.value;
        if (this.ended && this.buffer.length === 0) {
          this.config.checkpoints.finish(this.config.shardId);
          this.finished = true;
          return;
        }
        if (fetched || delivered) this.idleWaitMs = this.config.pollIntervalMs;
        else await this.idleWait();
      } catch (error) {
        // An iterator expires 15 minutes after it was issued (long retries): open a new one quietly.
        // DynamoDB Local answers TRIM_HORIZON on a brand-new, empty stream with a trimmed-data
        // error until the first record arrives: wait quietly for it too.
        const name = (error as Error).name;
        const quiet =
          name === 'ExpiredIteratorException' || (name === 'TrimmedDataAccessException' && !this.lastFetched);
        if (!signal.aborted && !quiet) this.config.onError(error);
        if (!signal.aborted && name !== 'ExpiredIteratorException')
          await pause(this.config.pollIntervalMs, signal);
      } finally {
        this.config.progressed();
      }
    }
  }

  /** Waits after a read that found nothing, the longer the more such reads in a row, until `wake()`. */
  private async idleWait(): Promise<void> {
    const { signal, pollIntervalMs, maxIdlePollMs } = this.config;
    const started = Date.now();
    const ms = this.idleWaitMs;
    this.idleWaitMs = Math.min(ms * 2, Math.max(maxIdlePollMs, pollIntervalMs));
    const woken = new AbortController();
    this.cutWait = () => woken.abort();
    await pause(ms, AbortSignal.any([signal, woken.signal]));
    this.cutWait = undefined;
    const rest = pollIntervalMs - (Date.now() - started);
    if (woken.signal.aborted && rest > 0) await pause(rest, signal);
  }

  private async fetch(): Promise<boolean> {
    const { batchSize, signal, shardId } = this.config;
    const waiting = this.buffer.filter((e) => e.matches).length - this.inFlightCount;
    if (this.ended || waiting >= batchSize) return false;
    const started = this.config.tick();
    const from = this.lastFetched ?? this.config.checkpoints.get(shardId)?.sequenceNumber;
    const page = await this.config.reads.read(from, signal);
    const entries = page.records.map((raw) => {
      const view = filterView(raw);
      const matches = this.config.filter(view);
      const record = matches ? toLambdaRecord(raw, this.config.streamArn) : view;
      return { record, sequence: sequenceOf(view), matches };
    });
    this.ended = page.ended;
    this.buffer.push(...entries);
    this.lastFetched = entries.at(-1)?.sequence ?? this.lastFetched;
    this.caughtUpAt = entries.length === 0 && this.buffer.length === 0 ? started : undefined;
    return entries.length > 0;
  }

  /** Drops leading filtered-out records, then takes the next batch of matching ones. */
  private takeBatch(): Entry[] {
    while (this.buffer[0] && !this.buffer[0].matches) this.commitThrough(this.buffer[0]);
    if (this.buffer.length === 0) return [];
    const size = this.plan.shift() ?? this.config.batchSize;
    return this.buffer.filter((e) => e.matches).slice(0, size);
  }

  private async deliverNext(): Promise<boolean> {
    const batch = this.takeBatch();
    if (batch.length === 0) return false;
    const records = batch.map((e) => e.record);
    const { counters } = this.config;
    this.inFlight = true;
    this.inFlightCount = batch.length;
    try {
      counters.invocations += 1;
      counters.recordsDelivered += records.length;
      const settled: Settled = await this.config.invoke(records).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
      const decision = decide(records, readOutcome(records, settled), this.failureCounts, this.config);
      await this.apply(batch, decision);
    } finally {
      this.inFlight = false;
      this.inFlightCount = 0;
    }
    return true;
  }

  private async apply(batch: Entry[], decision: Decision): Promise<void> {
    const { counters, signal } = this.config;
    const done = batch[decision.commit - 1];
    if (done) this.commitThrough(done);
    counters.recordsProcessed += decision.commit;
    if (decision.action === 'retry') {
      counters.retries += 1;
      this.plan.unshift(...decision.sizes);
      const delay = Math.min(this.config.retryDelayMs * 2 ** (decision.attempts - 1), 30_000);
      await pause(delay, signal);
    } else if (decision.action === 'give-up') {
      const failure = { records: decision.failed, reason: decision.reason, attempts: decision.attempts };
      if (!(await this.sendToDestination(failure))) return;
      const last = batch[decision.commit + decision.skip - 1];
      if (last) this.commitThrough(last);
      counters.recordsFailed += decision.failed.length;
      counters.recordsProcessed += decision.skip - decision.failed.length;
    }
  }

  /** Hands records to the on-failure destination, retrying until it accepts them or the poller stops. */
  private async sendToDestination(failure: StreamFailure): Promise<boolean> {
    const { signal } = this.config;
    while (!signal.aborted) {
      try {
        await this.config.onFailure(failure);
        return true;
      } catch (error) {
        this.config.onError(new Error('the on-failure destination rejected records', { cause: error }));
        await pause(this.config.pollIntervalMs, signal);
      }
    }
    return false;
  }

  /** Removes `entry` and everything before it from the buffer and checkpoints its sequence number. */
  private commitThrough(entry: Entry): void {
    const index = this.buffer.indexOf(entry);
    for (const removed of this.buffer.splice(0, index + 1)) {
      this.failureCounts.delete(removed.sequence);
      if (!removed.matches) this.config.counters.recordsFiltered += 1;
    }
    this.config.checkpoints.advance(this.config.shardId, entry.sequence);
  }
}
