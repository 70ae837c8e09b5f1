/**
 * In-process mutual exclusion per ledger shard. Writers in one process queue
 * instead of racing each other's conditional writes (which only one can win);
 * the conditional write still guards against other processes.
 */
export class ShardLocks {
  private readonly tails = new Map<number, Promise<void>>();

  /** Runs `task` holding the locks of `shards`, taken in ascending order so two callers never deadlock. */
  async with<T>(shards: Iterable<number>, task: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const shard of [...new Set(shards)].sort((a, b) => a - b))
        releases.push(await this.acquire(shard));
      return await task();
    } finally {
      for (const release of releases) release();
    }
  }

  private async acquire(shard: number): Promise<() => void> {
    const previous = this.tails.get(shard) ?? Promise.resolve();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(shard, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(shard) === tail) this.tails.delete(shard);
    };
  }
}
