import type { DynamoDBRecord } from 'aws-lambda';
import { sequenceOf } from './event.js';

/** How one handler invocation ended. */
export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What the event source mapping makes of an invocation's result. */
export type Outcome =
  | { kind: 'success' }
  /** `firstFailed` indexes the batch; `failed` are the reported records from there on. */
  | { kind: 'partial'; firstFailed: number; failed: DynamoDBRecord[] }
  | { kind: 'error'; reason: string };

export interface RetryPolicy {
  maxRetries: number;
  bisectOnError: boolean;
}

/**
 * What to do with a batch: `commit` leading records are done (checkpoint them);
 * then either nothing is left, or the rest is retried in batches of `sizes`, or
 * the rest is given up (`failed` go to the on-failure destination, `skip`
 * records are moved past).
 */
export type Decision =
  | { action: 'commit'; commit: number }
  | { action: 'retry'; commit: number; sizes: number[]; attempts: number }
  | {
      action: 'give-up';
      commit: number;
      skip: number;
      failed: DynamoDBRecord[];
      reason: string;
      attempts: number;
    };

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'non-Error value thrown';

/**
 * Reads a result as Lambda does with `ReportBatchItemFailures`: nothing or an
 * empty `batchItemFailures` is success; failures restart the batch at the lowest
 * reported record; a throw, or identifiers that are empty or not in the batch,
 * fail the whole batch.
 */
export function readOutcome(batch: DynamoDBRecord[], settled: Settled): Outcome {
  if (!settled.ok) return { kind: 'error', reason: `handler error (${describe(settled.error)})` };
  const value = settled.value as { batchItemFailures?: unknown } | null | undefined;
  if (value === null || typeof value !== 'object' || value.batchItemFailures === undefined) {
    return { kind: 'success' };
  }
  const failures = value.batchItemFailures;
  if (!Array.isArray(failures)) return { kind: 'error', reason: 'malformed batchItemFailures' };
  if (failures.length === 0) return { kind: 'success' };
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { kind: 'error', reason: 'empty itemIdentifier' };
    ids.add(id);
  }
  const indexes = batch.flatMap((record, i) => (ids.has(sequenceOf(record)) ? [i] : []));
  if (indexes.length !== ids.size) return { kind: 'error', reason: 'itemIdentifier not in the batch' };
  const firstFailed = Math.min(...indexes);
  return { kind: 'partial', firstFailed, failed: indexes.map((i) => batch[i] as DynamoDBRecord) };
}

const bump = (counts: Map<string, number>, record: DynamoDBRecord): number => {
  const count = (counts.get(sequenceOf(record)) ?? 0) + 1;
  counts.set(sequenceOf(record), count);
  return count;
};

/**
 * Decides the next step after an invocation and counts one failed attempt for
 * every record it failed (in `failureCounts`, keyed by sequence number).
 *
 * Partial failures retry from the lowest failed record; a thrown batch is
 * halved while bisection is on and it has more than one record, else retried
 * whole. A record is given up after `maxRetries` retries (`maxRetries + 1`
 * failed attempts), together with the rest of its batch as Lambda does.
 */
export function decide(
  batch: DynamoDBRecord[],
  outcome: Outcome,
  failureCounts: Map<string, number>,
  policy: RetryPolicy,
): Decision {
  if (outcome.kind === 'success') return { action: 'commit', commit: batch.length };
  const exhausted = (attempts: number) => attempts > policy.maxRetries;
  if (outcome.kind === 'partial') {
    const counts = outcome.failed.map((record) => bump(failureCounts, record));
    const attempts = counts[0] ?? 1;
    const rest = batch.length - outcome.firstFailed;
    if (!exhausted(attempts)) {
      return { action: 'retry', commit: outcome.firstFailed, sizes: [rest], attempts };
    }
    const reason = 'retry attempts exhausted: batch item failures reported';
    return {
      action: 'give-up',
      commit: outcome.firstFailed,
      skip: rest,
      failed: outcome.failed,
      reason,
      attempts,
    };
  }
  const counts = batch.map((record) => bump(failureCounts, record));
  const attempts = counts[0] ?? 1;
  if (policy.bisectOnError && batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    return { action: 'retry', commit: 0, sizes: [half, batch.length - half], attempts };
  }
  if (!exhausted(attempts)) return { action: 'retry', commit: 0, sizes: [batch.length], attempts };
  const reason = `retry attempts exhausted: ${outcome.reason}`;
  return { action: 'give-up', commit: 0, skip: batch.length, failed: batch, reason, attempts };
}
