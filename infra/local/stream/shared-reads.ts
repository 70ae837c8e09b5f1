import type { DynamoDBStreamsClient, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import { RECORDS_PER_READ, ShardCursor, type ShardPage, type ShardReads } from './shard-cursor.js';

/** Records kept per shard for readers that are behind, at most (beyond it they read on their own). */
const DEFAULT_MAX_KEPT = 10_000;

/**
 * One read of a table's stream for several pollers of it (the local delivery
 * worker's two lanes): each shard is read once, its records kept until every
 * reader of the shard has passed them, and each poller still reads from its own
 * position, filters, batches, retries and checkpoints on its own, as separate
 * event source mappings do. A poller that is further behind than what is kept
 * (a restart from an older checkpoint, a lane stuck retrying past `maxKept`
 * records) reads the shard with an iterator of its own until it catches up, so
 * no poller ever waits for another.
 *
 * In AWS each event source mapping reads the stream and filters it server-side;
 * locally every read is parsed in the stack's process and served by DynamoDB
 * Local's JVM, so reading once halves that work for two lanes.
 */
export class SharedStreamReads {
  private readonly shards = new Map<string, SharedShard>();

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly maxKept = DEFAULT_MAX_KEPT,
  ) {}

  /** A reader of one shard for one poller; `leave()` it when the poller is done with the shard. */
  join(streamArn: string, shardId: string, onError: (error: unknown) => void): SharedShardReader {
    const key = `${streamArn} ${shardId}`;
    let shard = this.shards.get(key);
    if (!shard) {
      shard = new SharedShard(new ShardCursor(this.client, streamArn, shardId, onError), this.maxKept, () =>
        this.shards.delete(key),
      );
      this.shards.set(key, shard);
    }
    return shard.join(new ShardCursor(this.client, streamArn, shardId, onError));
  }
}

/** One poller's reads of a shared shard. */
export interface SharedShardReader extends ShardReads {
  leave(): void;
}

interface Reader {
  /** The position the reader last read from (undefined: the trim horizon), so what it passed can be dropped. */
  after: string | undefined;
}

/** A read of the shard under way: when it began (on the shard's `clock`), and its end. */
interface Fetch {
  startedAt: number;
  done: Promise<void>;
}

const HORIZON = Symbol('trim horizon');
const seq = (record: SdkRecord): bigint => BigInt(record.dynamodb?.SequenceNumber ?? '0');
const after = (position: string | undefined): bigint => (position === undefined ? -1n : BigInt(position));

class SharedShard {
  /** Records in stream order: every record of the shard after `start` up to the last read, none missing. */
  private kept: SdkRecord[] = [];
  private keptSeqs: bigint[] = [];
  /** Where `kept` starts (the sequence number it goes on after, as DynamoDB wrote it): unset until the first reader reads. */
  private start: string | typeof HORIZON | undefined;
  private ended = false;
  private readonly readers = new Set<Reader>();
  private fetching: Fetch | undefined;
  private clock = 0;
  /** When the last read of the shard that found nothing new began (on `clock`): the shard's end then. */
  private caughtUp = 0;

  constructor(
    private readonly cursor: ShardCursor,
    private readonly maxKept: number,
    private readonly forget: () => void,
  ) {}

  join(own: ShardCursor): SharedShardReader {
    const reader: Reader = { after: undefined };
    this.readers.add(reader);
    return {
      read: (position, signal) => {
        reader.after = position;
        return this.read(position, signal, own);
      },
      leave: () => {
        this.readers.delete(reader);
        if (this.readers.size === 0) this.forget();
      },
    };
  }

  /** Whether every record after `position` is in `kept` (or will be, once read); the first reader sets the start. */
  private covers(position: string | undefined): boolean {
    if (this.start === undefined) {
      this.start = position ?? HORIZON;
      return true;
    }
    return this.start === HORIZON || (position !== undefined && BigInt(position) >= BigInt(this.start));
  }

  /**
   * The kept records after `position`, reading the shard when none are; from the reader's own
   * cursor while `kept` does not reach back to `position` (checked again after every wait: records
   * beyond `maxKept` may be dropped meanwhile).
   */
  private async read(
    position: string | undefined,
    signal: AbortSignal,
    own: ShardCursor,
  ): Promise<ShardPage> {
    const calledAt = ++this.clock;
    for (;;) {
      if (!this.covers(position)) return own.read(position, signal);
      const records = this.keptAfter(position);
      const upToDate = this.caughtUp > calledAt;
      if (records.length > 0 || this.ended || upToDate) {
        const page = records.slice(0, RECORDS_PER_READ);
        return { records: page, ended: this.ended && page.length === records.length };
      }
      // Nothing new kept: read the shard, and answer "nothing new" only once a read that began after
      // this call found nothing (as a poller of its own would: records it finds may all be behind `position`).
      await this.fetch().done;
    }
  }

  private keptAfter(position: string | undefined): SdkRecord[] {
    const from = after(position);
    let first = this.keptSeqs.length;
    while (first > 0 && (this.keptSeqs[first - 1] ?? 0n) > from) first -= 1;
    return this.kept.slice(first);
  }

  /** The read under way, or a new one from the end of `kept`; one at a time. */
  private fetch(): Fetch {
    if (this.fetching) return this.fetching;
    const last = this.kept.at(-1)?.dynamodb?.SequenceNumber;
    const from = last ?? (this.start === HORIZON ? undefined : this.start);
    // No abort signal: a read returns at once (no long polling), and it serves every reader.
    const fetch: Fetch = {
      startedAt: ++this.clock,
      done: this.cursor
        .read(from, new AbortController().signal)
        .then((page) => {
          if (page.records.length === 0) this.caughtUp = Math.max(this.caughtUp, fetch.startedAt);
          for (const record of page.records) {
            this.kept.push(record);
            this.keptSeqs.push(seq(record));
          }
          if (page.ended) this.ended = true;
          this.drop();
        })
        .finally(() => {
          this.fetching = undefined;
        }),
    };
    this.fetching = fetch;
    return fetch;
  }

  /** Drops what every reader has passed, and the oldest records beyond `maxKept`. */
  private drop(): void {
    let passed: bigint | undefined;
    for (const reader of this.readers) {
      const position = after(reader.after);
      if (passed === undefined || position < passed) passed = position;
    }
    passed ??= -1n;
    let count = 0;
    while (count < this.keptSeqs.length && (this.keptSeqs[count] ?? 0n) <= passed) count += 1;
    count = Math.max(count, this.kept.length - this.maxKept);
    if (count <= 0) return;
    this.start = this.kept[count - 1]?.dynamodb?.SequenceNumber ?? this.start;
    this.kept.splice(0, count);
    this.keptSeqs.splice(0, count);
  }
}
