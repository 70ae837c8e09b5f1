import type { Logger } from '@aws-lambda-powertools/logger';
import type { EhrTarget, ResidencyPolicy } from '../../shared/config/policy.js';
import type { CircuitBreaker } from '../../shared/domain/delivery/circuit-breaker.js';
import { isTargetFailure } from '../../shared/domain/delivery/circuit-breaker.js';
import { deliverNote } from '../../shared/domain/delivery/deliver-note.js';
import type { RetryPolicy } from '../../shared/domain/delivery/plan.js';
import { summarizeOperationOutcome } from '../../shared/domain/fhir/operation-outcome.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { EhrClient } from '../../shared/ports/ehr-client.js';
import type { NoteEncryptor } from '../../shared/ports/note-encryptor.js';
import type { AttemptUpdate, Outbox, OutboxItem } from '../../shared/ports/outbox.js';
import type { DeliveryCallbacks } from './callbacks.js';
import type { EgressCheck } from './egress.js';
import { deliveredVersions, itemOf, predecessorOf, waitingOn } from './note-versions.js';

/** A configured EHR target: profile, client and its circuit breaker. */
export interface TargetRuntime {
  target: EhrTarget;
  client: EhrClient;
  breaker: CircuitBreaker;
}

export interface DeliverDeps {
  cell: string;
  policy: ResidencyPolicy;
  outbox: Outbox;
  encryptor: NoteEncryptor;
  clock: Clock;
  logger: Logger;
  targets: Map<string, TargetRuntime>;
  retry: RetryPolicy;
  /** Days a delivered note's ciphertext is kept (the cell's retention). */
  retentionDays: number;
  egress: EgressCheck;
  callbacks: DeliveryCallbacks;
  sleep: (ms: number) => Promise<void>;
}

export type ProcessOutcome = 'stale' | 'deferred' | AttemptUpdate['state'];

const ACTIONABLE = new Set(['pending', 'retrying']);
/** Shortest wait of a deferred attempt while the circuit is open or another call probes it. */
const DEFER_MIN_MS = 250;

/**
 * Makes one delivery attempt for the outbox item a stream record announced, if
 * that record still describes the item (same state, attempt and deferral count):
 * replays and stale records do nothing. The result is written conditionally on the
 * attempt counter, so two workers can never both record an attempt.
 *
 * @throws only for storage or key failures (the stream retries the record then).
 */
export async function processOutboxRecord(deps: DeliverDeps, image: OutboxItem): Promise<ProcessOutcome> {
  // One consistent read of the note's outbox partition: this item, the versions
  // already delivered and any successor waiting on this one.
  const items = await deps.outbox.noteItems(image.senderId, image.noteId);
  const current = itemOf(items, image);
  if (current?.state === 'delivered') {
    // A worker that died between recording the delivery and waking the successors
    // gets the record again: finish the wake-up (it is conditional, so idempotent).
    const at = deps.clock.now().toISOString();
    for (const successor of waitingOn(items, current)) await deps.outbox.wake(successor, at);
    return 'stale';
  }
  if (
    !current ||
    !ACTIONABLE.has(current.state) ||
    current.attempts !== image.attempts ||
    current.deferrals !== image.deferrals
  ) {
    return 'stale';
  }
  const wait = current.nextAttemptAt ? Date.parse(current.nextAttemptAt) - deps.clock.now().getTime() : 0;
  if (wait > 0) await deps.sleep(Math.min(wait, deps.retry.maxMs));

  let egressRecord: (() => Promise<void>) | undefined;
  const runtime = deps.targets.get(current.ehrTarget);
  if (!runtime) return record(deps, current, park(deps, current, 'target-not-configured'));
  if (!runtime.breaker.tryAcquire()) {
    // Not before the probe is due, and never in a tight loop while another call probes.
    const delay = Math.max(runtime.breaker.msUntilProbe(), DEFER_MIN_MS);
    const next = new Date(deps.clock.now().getTime() + delay).toISOString();
    await deps.outbox.defer(current, current.deferrals, next, deps.clock.now().toISOString());
    return 'deferred';
  }
  let result: Awaited<ReturnType<typeof deliverNote>>;
  try {
    const ciphertext = await deps.outbox.ciphertext(current);
    if (!ciphertext) throw new Error('outbox item without its note');
    const event = await deps.encryptor.decrypt(ciphertext, {
      cell: current.cell,
      tenant: current.tenant,
      senderId: current.senderId,
      noteId: current.noteId,
      version: current.version,
    });
    const egress = await deps.egress.check(current, event, runtime.target);
    if (!egress.allowed) {
      runtime.breaker.release();
      return record(deps, current, park(deps, current, 'transfer-denied'));
    }
    result = await deliverNote(
      runtime.client,
      { event, senderId: current.senderId, cell: deps.cell },
      runtime.target,
      {
        attempts: current.attemptsSinceReplay,
        delivered: deliveredVersions(items),
        resourceIds: current.resourceIds,
      },
      { retry: deps.retry, clock: deps.clock },
    );
    egressRecord = egress.record;
  } catch (error) {
    // Whatever failed here never reached the target: free the circuit for the next caller.
    runtime.breaker.release();
    throw error;
  }
  if (isTargetFailure(result.attempt.outcome)) runtime.breaker.recordFailure();
  else runtime.breaker.recordSuccess();

  const now = deps.clock.now();
  const base = { attempt: result.attempt, resourceIds: result.resourceIds };
  let update: AttemptUpdate;
  if (result.status === 'delivered') {
    update = {
      state: 'delivered',
      ...base,
      deliveredAt: now.toISOString(),
      retentionDays: deps.retentionDays,
    };
  } else if (result.status === 'parked') {
    update = {
      state: 'parked',
      ...base,
      parkReason: result.parkReason ?? 'rejected',
      operationOutcome: summarizeOperationOutcome(result.operationOutcome),
      parkedAt: now.toISOString(),
    };
  } else if (result.attempt.outcome === 'waiting') {
    update = { state: 'waiting', ...base };
  } else {
    update = {
      state: 'retrying',
      ...base,
      nextAttemptAt: new Date(now.getTime() + (result.retryAfterMs ?? 0)).toISOString(),
    };
  }
  const outcome = await record(deps, current, update);
  if (outcome === 'delivered') await egressRecord?.();
  return outcome;
}

function park(
  deps: DeliverDeps,
  item: OutboxItem,
  reason: 'target-not-configured' | 'transfer-denied',
): AttemptUpdate {
  const at = deps.clock.now().toISOString();
  return {
    state: 'parked',
    attempt: { at, step: 'document-create', outcome: 'rejected', durationMs: 0 },
    resourceIds: item.resourceIds ?? {},
    parkReason: reason,
    parkedAt: at,
  };
}

async function record(deps: DeliverDeps, item: OutboxItem, update: AttemptUpdate): Promise<ProcessOutcome> {
  const at = deps.clock.now().toISOString();
  const written = await deps.outbox.recordAttempt(item, item.attempts, update, at);
  if (!written) return 'stale';
  deps.logger.info('delivery attempt', {
    noteId: item.noteId,
    version: item.version,
    eventKind: item.eventKind,
    ehrTarget: item.ehrTarget,
    attempt: item.attempts + 1,
    step: update.attempt.step,
    attemptOutcome: update.attempt.outcome,
    httpStatus: update.attempt.httpStatus,
    outcome: update.state,
    ...(update.state === 'parked' ? { parkReason: update.parkReason } : {}),
  });
  if (update.state === 'delivered') {
    // Successors waiting on this version may go now. Read after the write, so a successor
    // that started waiting meanwhile is seen (it re-checks after its own write, too).
    const fresh = await deps.outbox.noteItems(item.senderId, item.noteId);
    for (const successor of waitingOn(fresh, item)) await deps.outbox.wake(successor, at);
    await deps.callbacks.notify(item, 'visit.note.delivered', {
      ehrResource: update.resourceIds.documentReference,
    });
  } else if (update.state === 'parked') {
    await deps.callbacks.notify(item, 'visit.note.parked', { parkReason: update.parkReason });
  } else if (update.state === 'waiting') {
    // The predecessor may have landed while this attempt ran: wake ourselves then.
    const fresh = await deps.outbox.noteItems(item.senderId, item.noteId);
    if (deliveredVersions(fresh).some((d) => d.version === predecessorOf(item)))
      await deps.outbox.wake(item, at);
  }
  return update.state;
}
