import { storageError } from './chain-errors.js';

export interface HeadRaceRetry {
  /** What the chain is called in error details (`ledger`, `audit log`); never data. */
  name: string;
  /** Tries in all before giving up. */
  maxAttempts: number;
  /** Randomness for the back-off jitter (`Math.random` in production). */
  random: () => number;
  /** Whether a failed try lost a race on a head, so a fresh try on the new heads may win. */
  isConflict: (error: unknown) => boolean;
  /** Runs after every failed try, before it is retried or thrown (drop cached heads, count conflicts). */
  onFailure?: (conflict: boolean) => void;
}

/**
 * Runs `attempt` (read the heads, seal, write conditionally) until it wins:
 * a lost head race is tried again after a jittered back-off that doubles from
 * 8 ms up to 400 ms, so contending writers spread out instead of colliding again.
 *
 * @throws the AppError `attempt` threw; AppError('storage-unavailable') with `cause`
 *   for any other failure, or when the heads stay contended for `maxAttempts` tries.
 */
export async function retryHeadRaces<T>(attempt: () => Promise<T>, options: HeadRaceRetry): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      const conflict = options.isConflict(error);
      options.onFailure?.(conflict);
      if (!conflict) throw storageError(`${options.name} append failed`, error);
      if (tries >= options.maxAttempts) {
        throw storageError(`${options.name} heads stayed contended after ${tries} attempts`, error);
      }
      const ceiling = Math.min(400, 4 * 2 ** tries);
      await new Promise((resolve) => setTimeout(resolve, options.random() * ceiling));
    }
  }
}
