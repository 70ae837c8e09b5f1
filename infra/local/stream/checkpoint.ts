import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';

const ShardPosition = z.object({
  /** Last record of the shard that was processed, filtered out or given up. */
  sequenceNumber: z.string().optional(),
  /** The shard is closed and every record of it was handled. */
  finished: z.boolean().optional(),
});
export type ShardPosition = z.infer<typeof ShardPosition>;

const CheckpointFile = z.object({
  version: z.literal(1),
  streamArn: z.string(),
  shards: z.record(z.string(), ShardPosition),
});

/**
 * Per-shard positions of one stream, kept in memory and, when a file is given,
 * persisted as JSON (written to a temporary file, then renamed, so a crash never
 * leaves half a checkpoint). Writes are serialised and coalesced. The file's
 * folder is created on the first write (mode 0700) and the file is mode 0600:
 * positions name the table's records.
 */
export class CheckpointStore {
  private shards: Record<string, ShardPosition> = {};
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private failure: unknown;

  private constructor(
    private readonly streamArn: string,
    private readonly file: string | undefined,
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /**
   * Loads the checkpoint of `streamArn`; a missing file or one written for
   * another stream (the table was recreated) starts empty.
   *
   * @param onWriteError told about each failed background write (the next change retries it).
   * @throws when the file exists but is not a valid checkpoint.
   */
  static async open(
    streamArn: string,
    file: string | undefined,
    onWriteError: (error: unknown) => void,
  ): Promise<CheckpointStore> {
    const store = new CheckpointStore(streamArn, file, onWriteError);
    if (!file) return store;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new Error(`cannot read stream checkpoint ${file}`, { cause: error });
    }
    let parsed: z.infer<typeof CheckpointFile>;
    try {
      parsed = CheckpointFile.parse(JSON.parse(text));
    } catch (error) {
      throw new Error(`stream checkpoint ${file} is not valid: remove it to start over`, { cause: error });
    }
    if (parsed.streamArn === streamArn) store.shards = parsed.shards;
    return store;
  }

  get(shardId: string): ShardPosition | undefined {
    return this.shards[shardId];
  }

  advance(shardId: string, sequenceNumber: string): void {
    this.shards[shardId] = { ...this.shards[shardId], sequenceNumber };
    this.schedule();
  }

  finish(shardId: string): void {
    this.shards[shardId] = { ...this.shards[shardId], finished: true };
    this.schedule();
  }

  /** Forgets shards the stream no longer lists (trimmed after 24 hours). */
  retain(shardIds: ReadonlySet<string>): void {
    const before = Object.keys(this.shards).length;
    this.shards = Object.fromEntries(Object.entries(this.shards).filter(([id]) => shardIds.has(id)));
    if (Object.keys(this.shards).length !== before) this.schedule();
  }

  /**
   * Writes what is recorded so far and waits for it.
   *
   * @throws the error of the last write when it failed.
   */
  async flush(): Promise<void> {
    if (this.failure !== undefined) this.schedule();
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  private schedule(): void {
    const file = this.file;
    if (!file || this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      this.dirty = false;
      try {
        await this.write(file);
        this.failure = undefined;
      } catch (error) {
        this.failure = error;
        this.onWriteError(error);
      }
    });
  }

  private async write(file: string): Promise<void> {
    const body = { version: 1, streamArn: this.streamArn, shards: this.shards };
    const tmp = `${file}.${process.pid}.tmp`;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, file);
  }
}
