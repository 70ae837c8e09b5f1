export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Cap of the ceiling, however many attempts failed. */
  maxMs: number;
  /** The EHR's `Retry-After`: the delay is never shorter. */
  retryAfterMs?: number;
}

/**
 * Delay before the next try: exponential with full jitter (a uniform draw
 * between 0 and `min(maxMs, baseMs * 2^(attempt-1))`), so that many notes
 * failing together spread out, then raised to `retryAfterMs` when the EHR
 * asked for a longer pause.
 *
 * @param attempt 1-based number of the attempt that just failed.
 * @param random a source in [0, 1), injected for tests.
 * @example backoff(3, { baseMs: 1_000, maxMs: 60_000 }) // somewhere in [0, 4000)
 */
export function backoff(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, Math.ceil(options.retryAfterMs ?? 0));
}
