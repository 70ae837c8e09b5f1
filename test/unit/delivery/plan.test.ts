import { backoff } from '../../../shared/domain/delivery/backoff.js';
import {
  afterTransientFailure,
  documentWriteMode,
  readyToDeliver,
} from '../../../shared/domain/delivery/plan.js';

describe('backoff', () => {
  const schedule = { baseMs: 1_000, maxMs: 30_000 };

  it('draws the delay uniformly below a ceiling that doubles per attempt', () => {
    expect([1, 2, 3].map((attempt) => backoff(attempt, schedule, () => 0.999))).toEqual([999, 1998, 3996]);
    expect(backoff(3, schedule, () => 0)).toBe(0);
  });

  it('caps the ceiling at maxMs however many attempts failed', () => {
    expect(backoff(50, schedule, () => 0.5)).toBe(15_000);
  });

  it('never waits less than the Retry-After the EHR sent', () => {
    expect(backoff(1, { ...schedule, retryAfterMs: 120_000 }, () => 0.5)).toBe(120_000);
  });
});

describe('readyToDeliver', () => {
  it('lets a first version go at once', () => {
    expect(readyToDeliver(1, [])).toBe(true);
  });

  it('holds a later version until the version it replaces is delivered', () => {
    expect(readyToDeliver(3, [1])).toBe(false);
    expect(readyToDeliver(3, [1, 2])).toBe(true);
  });
});

describe('documentWriteMode', () => {
  it('always creates conditionally where the target supports it', () => {
    expect(documentWriteMode({ conditionalCreate: true })).toBe('conditional-create');
  });

  it('always searches before creating where the target cannot create conditionally', () => {
    expect(documentWriteMode({ conditionalCreate: false })).toBe('search-then-create');
  });
});

describe('afterTransientFailure', () => {
  const policy = { maxAttempts: 3, baseMs: 1_000, maxMs: 10_000 };

  it('retries while attempts remain', () => {
    expect(afterTransientFailure(2, policy, undefined, () => 0.5)).toEqual({
      status: 'retry',
      retryAfterMs: 1_000,
    });
  });

  it('parks when the last allowed attempt failed', () => {
    expect(afterTransientFailure(3, policy, undefined, () => 0.5)).toEqual({
      status: 'parked',
      reason: 'attempts-exhausted',
    });
  });
});
