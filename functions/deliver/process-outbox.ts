import type { Logger } from '@aws-lambda-powertools/logger';
import type { CircuitBreaker } from '../../shared/domain/delivery/circuit-breaker.js';
import { isTargetFailure } from '../../shared/domain/delivery/circuit-breaker.js';
import { deliverNote } from '../../shared/domain/delivery/deliver-note.js';
import { deliveredVersions, itemOf } from '../../shared/domain/delivery/note-versions.js';
import type { OutboxItem } from '../../shared/domain/delivery/outbox-item.js';
import type { RetryPolicy } from '../../shared/domain/delivery/plan.js';
import {
  decideTransition,
  type EgressDecision,
  type StepVerdict,
  stateAfter,
  type Transition,
} from '../../shared/domain/delivery/transition.js';
import { AppError } from '../../shared/domain/errors.js';
import type { EhrTarget, ResidencyPolicy } from '../../shared/domain/policy/model.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { EhrClient } from '../../shared/ports/ehr-client.js';
import type { NoteEncryptor } from '../../shared/ports/note-encryptor.js';
import type { CallbackOutbox, NoteSnapshot, Outbox } from '../../shared/ports/outbox.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';
import type { CallbackSender } from './callbacks.js';
import { type CrashHook, hookedEhrClient } from './crash.js';
import type { EgressCheck } from './egress.js';

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
  callbackOutbox: CallbackOutbox;
  encryptor: NoteEncryptor;
  clock: Clock;
  logger: Logger;
  targets: Map<string, TargetRuntime>;
  retry: RetryPolicy;
  egress: EgressCheck;
  senders: SenderRegistry;
  callbacks: CallbackSender;
  sleep: (ms: number) => Promise<void>;
  /** Crash points for fault tests; absent in production. */
  crash?: CrashHook;
}

export type ProcessOutcome = 'stale' | ReturnType<typeof stateAfter>;

const ACTIONABLE = new Set(['pending', 'retrying']);
/** Shortest wait of a deferred attempt while the circuit is open or another call probes it. */
const DEFER_MIN_MS = 250;
/** Re-reads after a successor started waiting (or a predecessor landed) during the commit. */
const MAX_RACES = 5;

/**
 * One delivery step for the outbox item a stream record announced, if that record
 * still describes the item (same state, attempt and deferral count): replays and
 * stale records do nothing. One read of the note's partition; the egress decision
 * and the EHR attempt; then the pure transition, committed in one conditional
 * transaction (item, successors, callback row, ledger entries).
 *
 * @throws only for storage or key failures (the stream retries the record then).
 */
export async function processOutboxRecord(deps: DeliverDeps, image: OutboxItem): Promise<ProcessOutcome> {
  let snapshot = await deps.outbox.readNote(image.senderId, image.noteId);
  deps.crash?.('after-read', image);
  const current = itemOf(snapshot.items, image);
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
  // Before the EHR call: a sender registry that fails then costs no EHR request.
  const notifySender = await wantsCallbacks(deps, current);
  const { egress, verdict } = await attempt(deps, current, snapshot);
  for (let races = 0; ; races++) {
    const item = itemOf(snapshot.items, current);
    if (!item || item.attempts !== current.attempts) return 'stale';
    const transition = decideTransition({
      items: snapshot.items,
      item,
      ...(egress ? { egress } : {}),
      verdict,
      now: deps.clock.now(),
      notifySender,
      cell: deps.cell,
    });
    deps.crash?.('before-commit', current);
    const outcome = await deps.outbox.commit(transition);
    if (outcome === 'committed') {
      log(deps, current, transition);
      deps.crash?.('after-commit', current);
      return stateAfter(transition.change);
    }
    if (outcome === 'stale') return 'stale';
    if (races >= MAX_RACES) throw new AppError('storage-unavailable', 'outbox stayed contended');
    snapshot = await deps.outbox.readNote(current.senderId, current.noteId);
  }
}

/** The egress decision and the attempt's verdict (no EHR call when the target is missing, closed or denied). */
async function attempt(
  deps: DeliverDeps,
  item: OutboxItem,
  snapshot: NoteSnapshot,
): Promise<{ egress?: EgressDecision; verdict: StepVerdict }> {
  const runtime = deps.targets.get(item.ehrTarget);
  if (!runtime) return { verdict: { kind: 'target-missing' } };
  if (!runtime.breaker.tryAcquire()) {
    // Not before the probe is due, and never in a tight loop while another call probes.
    const delay = Math.max(runtime.breaker.msUntilProbe(), DEFER_MIN_MS);
    return { verdict: { kind: 'circuit-open', retryAt: new Date(deps.clock.now().getTime() + delay) } };
  }
  let result: Awaited<ReturnType<typeof deliverNote>>;
  let egress: EgressDecision;
  try {
    const ciphertext = snapshot.ciphertext(item);
    if (!ciphertext) throw new AppError('internal', 'outbox item without its note');
    const event = await deps.encryptor.decrypt(ciphertext, {
      cell: item.cell,
      tenant: item.tenant,
      senderId: item.senderId,
      noteId: item.noteId,
      version: item.version,
      patientRef: item.patientRef ?? '',
    });
    egress = deps.egress.decide(item, event, runtime.target);
    deps.crash?.('after-egress', item);
    if (egress.kind === 'denied') {
      runtime.breaker.release();
      return { egress, verdict: { kind: 'transfer-denied' } };
    }
    const client = deps.crash ? hookedEhrClient(runtime.client, item, deps.crash) : runtime.client;
    result = await deliverNote(
      client,
      { event, senderId: item.senderId, cell: deps.cell },
      runtime.target,
      {
        attempts: item.attemptsSinceReplay,
        delivered: deliveredVersions(snapshot.items),
        resourceIds: item.resourceIds,
      },
      { retry: deps.retry, clock: deps.clock },
    );
  } catch (error) {
    // Whatever failed here never finished with the target: free the circuit for the next caller.
    runtime.breaker.release();
    throw error;
  }
  if (isTargetFailure(result.attempt.outcome)) runtime.breaker.recordFailure();
  else runtime.breaker.recordSuccess();
  return { egress, verdict: { kind: 'attempted', result } };
}

/** Whether the sender gets callbacks; a refused callback URL is logged (ids only) and gets none. */
async function wantsCallbacks(deps: DeliverDeps, item: OutboxItem): Promise<boolean> {
  const sender = await deps.senders.get(item.senderId);
  if (sender?.callbackRefused) {
    deps.logger.warn('callback URL refused', { senderId: item.senderId, reason: sender.callbackRefused });
  }
  return Boolean(sender?.callbackUrl);
}

function log(deps: DeliverDeps, item: OutboxItem, transition: Transition): void {
  const { change } = transition;
  deps.logger.info('delivery attempt', {
    noteId: item.noteId,
    version: item.version,
    eventKind: item.eventKind,
    ehrTarget: item.ehrTarget,
    attempt: change.state === 'deferred' ? undefined : item.attempts + 1,
    step: change.state === 'deferred' ? undefined : change.attempt.step,
    attemptOutcome: change.state === 'deferred' ? 'deferred' : change.attempt.outcome,
    httpStatus: change.state === 'deferred' ? undefined : change.attempt.httpStatus,
    outcome: stateAfter(change),
    ledgerEntries: transition.ledgerEntries.length,
    ...(change.state === 'parked' ? { parkReason: change.parkReason } : {}),
  });
}
