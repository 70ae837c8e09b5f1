import * as z from 'zod';
import type { OutboxItem, OutboxKey } from '../../../shared/domain/delivery/outbox-item.js';
import { AppError } from '../../../shared/domain/errors.js';
import { decideMovement, type MovementDecision } from '../../../shared/domain/policy/decide.js';
import type { Principal } from '../auth.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import { DELIVERY_STATES, listEveryState } from './all-states.js';
import type { HimDeps } from './context.js';
import { himMovement } from './movement.js';
import { readNote } from './notes.js';

export const ListQuery = z.object({
  state: z.enum(DELIVERY_STATES).optional(),
  limit: Limit,
  cursor: z.string().min(1).optional(),
});
export const RangeBody = z.object({ from: Instant, to: Until, dryRun: z.boolean() });

/** What the HIM API shows of an outbox item: ids, states, counts and EHR outcome summaries. No PHI. */
export type DeliverySummary = Pick<
  OutboxItem,
  | 'senderId'
  | 'noteId'
  | 'version'
  | 'eventKind'
  | 'state'
  | 'ehrTarget'
  | 'attempts'
  | 'lastAttempt'
  | 'parkReason'
  | 'parkedAt'
  | 'operationOutcome'
  | 'receivedAt'
  | 'updatedAt'
>;

export function deliverySummary(i: OutboxItem): DeliverySummary {
  return {
    senderId: i.senderId,
    noteId: i.noteId,
    version: i.version,
    eventKind: i.eventKind,
    state: i.state,
    ehrTarget: i.ehrTarget,
    attempts: i.attempts,
    lastAttempt: i.lastAttempt,
    parkReason: i.parkReason,
    parkedAt: i.parkedAt,
    operationOutcome: i.operationOutcome,
    receivedAt: i.receivedAt,
    updatedAt: i.updatedAt,
  };
}

/**
 * One page of deliveries, oldest received first within a state: of one state, or of
 * every state (parked first, then retrying, waiting, pending, delivered) when none is given.
 *
 * @throws AppError('invalid-query') for a bad parameter, AppError('invalid-cursor') for a cursor this API did not issue.
 */
export async function listDeliveries(deps: HimDeps, query: unknown) {
  const q = parseInput(ListQuery, query);
  if (q.state) {
    const page = await deps.outbox.listByState(q.state, {
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return {
      items: page.items.map(deliverySummary),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
  const page = await listEveryState(deps.outbox, q.limit, q.cursor);
  return {
    items: page.items.map(deliverySummary),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/** @throws AppError('not-found') when the cell has no such delivery. */
export async function getDelivery(deps: HimDeps, key: OutboxKey) {
  const item = await deps.outbox.get(key);
  if (!item) throw new AppError('not-found', 'this cell has no such delivery');
  return { ...deliverySummary(item), history: item.history };
}

/** The residency decision for delivering an item to its EHR target now (a replay re-checks it). */
export function egressDecision(deps: HimDeps, item: OutboxItem, at: Date): MovementDecision {
  const target = deps.policy.ehrTargets.find((t) => t.id === item.ehrTarget);
  if (!target) {
    return {
      decision: 'denied',
      basis: 'unknown-jurisdiction',
      reason: `EHR target "${item.ehrTarget}" is no longer in the residency policy`,
    };
  }
  const org = deps.policy.organizations.find((o) => o.id === item.tenant);
  return decideMovement(deps.policy, {
    kind: 'egress',
    from: { country: deps.jurisdiction.countries[0] ?? '', jurisdiction: deps.cell },
    to: { country: target.country, jurisdiction: target.jurisdiction },
    ...(org ? { recipient: { organizationId: org.id, dpfCertified: org.dpfCertified } } : {}),
    at,
  });
}

/** Ledger entry of a replay the policy refused: the denied egress attempt. */
async function recordDenied(
  deps: HimDeps,
  principal: Principal,
  item: OutboxItem,
  decision: MovementDecision,
) {
  const target = deps.policy.ehrTargets.find((t) => t.id === item.ehrTarget);
  if (!target) return;
  const note = await readNote(deps, item);
  await deps.ledger.append([
    himMovement(deps, principal, note, {
      kind: 'egress',
      decision,
      destination: { country: target.country, cell: target.jurisdiction },
      recipient: { organization: item.tenant, ehrTarget: item.ehrTarget },
      purpose: 'treatment',
      at: deps.clock.now(),
    }),
  ]);
}

/**
 * Puts a parked delivery back in the queue after re-checking the residency policy.
 *
 * @throws AppError('not-found'), AppError('not-parked') (409) when it is not parked,
 *   AppError('note-expired') (410) when retention has removed its note,
 *   AppError('transfer-denied') (451) when the policy now denies the egress (a denied ledger entry is written).
 */
export async function replayDelivery(deps: HimDeps, principal: Principal, key: OutboxKey) {
  const item = await deps.outbox.get(key);
  if (!item) throw new AppError('not-found', 'this cell has no such delivery');
  if (item.state !== 'parked') throw new AppError('not-parked', `the delivery is ${item.state}, not parked`);
  if (!(await deps.outbox.ciphertext(key)))
    throw new AppError(
      'note-expired',
      'the note was removed under the retention schedule; it cannot be delivered',
    );
  const now = deps.clock.now();
  const decision = egressDecision(deps, item, now);
  if (decision.decision === 'denied') {
    await recordDenied(deps, principal, item, decision);
    throw new AppError('transfer-denied', decision.reason, { basis: decision.basis });
  }
  if (!(await deps.outbox.requeue(key, now.toISOString())))
    throw new AppError('not-parked', 'the delivery left the parked state meanwhile');
  return { requeued: true as const };
}

/**
 * Replays every parked item whose `parkedAt` is in `[from, to)` and whose note is still stored
 * (those retention removed are counted as `expired`); a dry run only counts them.
 */
export async function replayRange(deps: HimDeps, principal: Principal, body: unknown) {
  const b = parseInput(RangeBody, body, 'body');
  const [from, to] = [b.from.toISOString(), b.to.toISOString()];
  const parked: OutboxItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.outbox.listByState('parked', { limit: 100, ...(cursor ? { cursor } : {}) });
    parked.push(
      ...page.items.filter((i) => i.parkedAt !== undefined && i.parkedAt >= from && i.parkedAt < to),
    );
    cursor = page.nextCursor;
  } while (cursor);
  if (b.dryRun) return { count: parked.length };
  let requeued = 0;
  let denied = 0;
  let expired = 0;
  for (const item of parked) {
    if (!(await deps.outbox.ciphertext(item))) {
      expired += 1;
      continue;
    }
    const now = deps.clock.now();
    const decision = egressDecision(deps, item, now);
    if (decision.decision === 'denied') {
      await recordDenied(deps, principal, item, decision);
      denied += 1;
    } else if (await deps.outbox.requeue(item, now.toISOString())) requeued += 1;
  }
  return { requeued, denied, expired };
}
