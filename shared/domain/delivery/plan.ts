import type { EhrTarget } from '../policy/model.js';
import { backoff } from './backoff.js';

/** Bounds of the retry schedule of one note version (from config). */
export interface RetryPolicy {
  /** Attempts before a note version is parked; the first try counts. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** A version of the note that reached the EHR, and where it landed. */
export interface DeliveredVersion {
  version: number;
  documentReferenceId: string;
}

/** Why a note version stopped being retried and waits for a HIM. */
export type ParkReason =
  | 'rejected'
  | 'attempts-exhausted'
  | 'ambiguous-patient'
  | 'predecessor-not-delivered';

/**
 * Whether an amendment may go now: version 1 always; any later version only
 * once the version it replaces, `version - 1`, has been delivered.
 * Amendments never overtake their predecessor.
 */
export function readyToDeliver(version: number, deliveredVersions: Iterable<number>): boolean {
  if (version <= 1) return true;
  for (const delivered of deliveredVersions) if (delivered === version - 1) return true;
  return false;
}

/**
 * How to write the DocumentReference so that exactly one copy lands:
 * - `conditional-create`: the target honours `If-None-Exist`; every try sends it.
 * - `search-then-create`: no conditional create: search by the version identifier
 *   first and create only if absent. Done on every try, the first included: a
 *   worker that died after sending a create, before recording its outcome, comes
 *   back to what looks like a first attempt.
 */
export type DocumentWriteMode = 'conditional-create' | 'search-then-create';

export function documentWriteMode(target: Pick<EhrTarget, 'conditionalCreate'>): DocumentWriteMode {
  return target.conditionalCreate ? 'conditional-create' : 'search-then-create';
}

export type RetryDecision =
  | { status: 'retry'; retryAfterMs: number }
  | { status: 'parked'; reason: ParkReason };

/**
 * What follows a transient failure of attempt `attempt` (1-based): another try
 * after a jittered backoff that honours the EHR's `Retry-After`, or parking
 * once `maxAttempts` is spent.
 */
export function afterTransientFailure(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number,
  exhaustedReason: ParkReason = 'attempts-exhausted',
): RetryDecision {
  if (attempt >= policy.maxAttempts) return { status: 'parked', reason: exhaustedReason };
  const delay = backoff(
    attempt,
    { baseMs: policy.baseMs, maxMs: policy.maxMs, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    random,
  );
  return { status: 'retry', retryAfterMs: delay };
}
