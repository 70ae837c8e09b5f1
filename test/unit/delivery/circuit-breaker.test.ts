import { CircuitBreaker, isTargetFailure } from '../../../shared/domain/delivery/circuit-breaker.js';

/** A breaker that opens after 3 failures for 10 s, on a clock the test moves. */
function breaker() {
  const clock = { ms: 0 };
  return {
    clock,
    circuit: new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000, now: () => clock.ms }),
  };
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold', () => {
    const { circuit } = breaker();

    circuit.recordFailure();
    circuit.recordFailure();

    expect(circuit.state).toBe('closed');
    expect(circuit.tryAcquire()).toBe(true);
  });

  it('opens at the threshold and refuses requests during the cool-down', () => {
    const { circuit, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure();
    clock.ms = 4_000;

    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire()).toBe(false);
    expect(circuit.msUntilProbe()).toBe(6_000);
  });

  it('lets a single probe through once the cool-down is over', () => {
    const { circuit, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure();
    clock.ms = 10_000;

    expect(circuit.state).toBe('half-open');
    expect([circuit.tryAcquire(), circuit.tryAcquire()]).toEqual([true, false]);
  });

  it('closes after a successful probe', () => {
    const { circuit, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure();
    clock.ms = 10_000;
    circuit.tryAcquire();

    circuit.recordSuccess();

    expect(circuit.state).toBe('closed');
  });

  it('re-opens for a full cool-down after a failed probe', () => {
    const { circuit, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure();
    clock.ms = 10_000;
    circuit.tryAcquire();

    circuit.recordFailure();

    expect(circuit.state).toBe('open');
    expect(circuit.msUntilProbe()).toBe(10_000);
  });

  it('forgets earlier failures after a success', () => {
    const { circuit } = breaker();
    circuit.recordFailure();
    circuit.recordFailure();

    circuit.recordSuccess();
    circuit.recordFailure();

    expect(circuit.state).toBe('closed');
  });
});

describe('isTargetFailure', () => {
  it('counts only outcomes that show the target struggling', () => {
    const kinds = [
      'ok',
      'rejected',
      'throttled',
      'unavailable',
      'unknown-outcome',
      'unauthorized',
      'waiting',
    ];

    expect(kinds.filter(isTargetFailure)).toEqual(['throttled', 'unavailable', 'unknown-outcome']);
  });
});

describe('CircuitBreaker.release', () => {
  it('lets the next caller probe a half-open circuit when the probe never reached the target', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 100, now: () => now });
    breaker.recordFailure();
    now = 100;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);

    breaker.release();

    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });
});
