import type { IssueSummary } from '../fhir/operation-outcome.js';
import { summarizeOperationOutcome } from '../fhir/operation-outcome.js';
import type { UnsealedEntry } from '../ledger/entry.js';
import type { StepRecord } from './attempt.js';
import { type CallbackRow, newCallback } from './callback.js';
import type { DeliveryResult, ResourceIds } from './deliver-note.js';
import { itemOf, predecessorOf, successorsOf } from './note-versions.js';
import type { DeliveryState, ItemParkReason, OutboxItem, OutboxKey } from './outbox-item.js';

/** The residency decision on the movement to the EHR, with its ledger entry when it crosses a border. */
export type EgressDecision =
  | { kind: 'domestic' }
  | { kind: 'allowed'; entry: UnsealedEntry }
  | { kind: 'denied'; entry: UnsealedEntry };

/** What the step found out: an EHR attempt's result, or a verdict reached without calling the EHR. */
export type StepVerdict =
  | { kind: 'attempted'; result: DeliveryResult }
  | { kind: 'circuit-open'; retryAt: Date }
  | { kind: 'target-missing' }
  | { kind: 'transfer-denied' };

/** The change to the processed item. `deferred` spends no attempt (the circuit was open). */
export type ItemChange =
  | { state: 'delivered'; attempt: StepRecord; resourceIds: ResourceIds; deliveredAt: string }
  | { state: 'retrying'; attempt: StepRecord; resourceIds: ResourceIds; nextAttemptAt: string }
  | { state: 'waiting' | 'pending'; attempt: StepRecord; resourceIds: ResourceIds }
  | {
      state: 'parked';
      attempt: StepRecord;
      resourceIds: ResourceIds;
      parkReason: ItemParkReason;
      operationOutcome?: IssueSummary[];
      parkedAt: string;
    }
  | { state: 'deferred'; nextAttemptAt: string };

/** Everything one delivery step writes, committed together or not at all. */
export interface Transition {
  key: OutboxKey;
  /** The item as read: the write is conditional on it (a stale step writes nothing). */
  expected: { attempts: number; deferrals?: number };
  change: ItemChange;
  at: string;
  /** Successors waiting on this event, moved `waiting` → `pending`. */
  wake: OutboxKey[];
  /** Successors not woken: the write fails if one started waiting meanwhile (then decide again). */
  notWaiting: OutboxKey[];
  /** For a `waiting` change: the predecessor it waits on, which must still be undelivered. */
  predecessor?: OutboxKey;
  ledgerEntries: UnsealedEntry[];
  callbacks: CallbackRow[];
}

export interface TransitionInput {
  /** The note's outbox items, as read in the step's one read. */
  items: readonly OutboxItem[];
  item: OutboxItem;
  /** Undefined when no decision was needed (no target, circuit open). */
  egress?: EgressDecision;
  verdict: StepVerdict;
  now: Date;
  /** Whether the sender registered a callback: a delivered or parked event then gets a callback row. */
  notifySender: boolean;
  cell: string;
}

const keyOf = (k: OutboxKey): OutboxKey => ({
  senderId: k.senderId,
  noteId: k.noteId,
  version: k.version,
  eventKind: k.eventKind,
});

/**
 * Decides the whole transition of one delivery step, without I/O: the attempt
 * record and new state, the successors to wake, the ledger entries (an allowed
 * egress only once the note is delivered, a denied one always), the callback
 * row for the sender. (The ciphertext's retention is the sweeper's: docs/retention.md.) A `waiting`
 * verdict whose predecessor is already delivered in `items` becomes `pending`:
 * it landed while the attempt ran.
 */
export function decideTransition(input: TransitionInput): Transition {
  const { item, items, now } = input;
  const at = now.toISOString();
  const base = {
    key: keyOf(item),
    expected: { attempts: item.attempts, deferrals: item.deferrals },
    at,
    wake: [] as OutboxKey[],
    notWaiting: [] as OutboxKey[],
    callbacks: [] as CallbackRow[],
  };
  if (input.verdict.kind === 'circuit-open') {
    return {
      ...base,
      change: { state: 'deferred', nextAttemptAt: input.verdict.retryAt.toISOString() },
      ledgerEntries: [],
    };
  }
  let change = changeOf(input, at);
  const transition: Transition = {
    ...base,
    change,
    ledgerEntries: ledgerEntries(input.egress, change.state),
  };
  if (change.state === 'waiting') {
    const predecessor = predecessorOf(item);
    if (itemOf(items, predecessor)?.state === 'delivered') change = { ...change, state: 'pending' };
    else transition.predecessor = predecessor;
    transition.change = change;
  }
  if (change.state === 'delivered') {
    for (const successor of successorsOf(item)) {
      const found = itemOf(items, successor);
      if (found?.state === 'waiting') transition.wake.push(keyOf(found));
      else transition.notWaiting.push(successor);
    }
  }
  if (input.notifySender && (change.state === 'delivered' || change.state === 'parked')) {
    transition.callbacks.push(
      newCallback(item, {
        cell: input.cell,
        seq: item.attempts + 1,
        type: change.state === 'delivered' ? 'visit.note.delivered' : 'visit.note.parked',
        at,
        ...(change.state === 'delivered' && change.resourceIds.documentReference
          ? { ehrResource: change.resourceIds.documentReference }
          : {}),
        ...(change.state === 'parked' ? { parkReason: change.parkReason } : {}),
      }),
    );
  }
  return transition;
}

/** The state a transition leaves the item in (`deferred` is stored as `retrying`). */
export const stateAfter = (change: ItemChange): DeliveryState =>
  change.state === 'deferred' ? 'retrying' : change.state;

function ledgerEntries(egress: EgressDecision | undefined, state: ItemChange['state']): UnsealedEntry[] {
  if (egress?.kind === 'denied') return [egress.entry];
  if (egress?.kind === 'allowed' && state === 'delivered') return [egress.entry];
  return [];
}

function changeOf(input: TransitionInput, at: string): Exclude<ItemChange, { state: 'deferred' }> {
  const { verdict, item } = input;
  if (verdict.kind === 'target-missing' || verdict.kind === 'transfer-denied') {
    return {
      state: 'parked',
      attempt: { at, step: 'document-create', outcome: 'rejected', durationMs: 0 },
      resourceIds: item.resourceIds ?? {},
      parkReason: verdict.kind === 'target-missing' ? 'target-not-configured' : 'transfer-denied',
      parkedAt: at,
    };
  }
  if (verdict.kind !== 'attempted') throw new TypeError(`no change for verdict ${verdict.kind}`);
  const { result } = verdict;
  const base = { attempt: result.attempt, resourceIds: result.resourceIds };
  if (result.status === 'delivered') return { state: 'delivered', ...base, deliveredAt: at };
  if (result.status === 'parked') {
    return {
      state: 'parked',
      ...base,
      parkReason: result.parkReason ?? 'rejected',
      operationOutcome: summarizeOperationOutcome(result.operationOutcome),
      parkedAt: at,
    };
  }
  if (result.attempt.outcome === 'waiting') return { state: 'waiting', ...base };
  const nextAttemptAt = new Date(Date.parse(at) + (result.retryAfterMs ?? 0)).toISOString();
  return { state: 'retrying', ...base, nextAttemptAt };
}
