export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses requests before it lets one probe through. */
  coolDownMs: number;
  /** Milliseconds since the epoch, injected for tests. */
  now: () => number;
}

/**
 * Whether an outcome says the target is struggling (and so counts against its
 * circuit): `unavailable`, `unknown-outcome`, `throttled`. A rejection or an auth
 * failure shows the target is up: it answers.
 */
export const isTargetFailure = (kind: string): boolean =>
  kind === 'unavailable' || kind === 'unknown-outcome' || kind === 'throttled';

/**
 * A circuit breaker for one EHR target: closed until `failureThreshold`
 * consecutive failures, then open for `coolDownMs`, then half-open with a single
 * probe whose result closes or re-opens it. Keep one per target so one slow EHR
 * does not hold back deliveries to the others.
 *
 * @example
 * if (!breaker.tryAcquire()) return retryLater(breaker.msUntilProbe());
 * const result = await deliverNote(...);
 * isTargetFailure(result.attempt.outcome) ? breaker.recordFailure() : breaker.recordSuccess();
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.options.now() - this.openedAt >= this.options.coolDownMs ? 'half-open' : 'open';
  }

  /** Whether a request may go now. In half-open, only the first caller gets through until it reports. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /**
   * Gives back an acquired call that ended without reaching the target (parked by
   * policy, a storage error): a half-open circuit lets the next caller probe.
   */
  release(): void {
    this.probing = false;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  msUntilProbe(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.options.coolDownMs - this.options.now());
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  recordFailure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.options.now();
    }
    this.probing = false;
  }
}
