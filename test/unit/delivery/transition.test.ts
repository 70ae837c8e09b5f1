import type { StepRecord } from '../../../shared/domain/delivery/attempt.js';
import type { DeliveryResult } from '../../../shared/domain/delivery/deliver-note.js';
import type { OutboxItem } from '../../../shared/domain/delivery/outbox-item.js';
import {
  decideTransition,
  type EgressDecision,
  stateAfter,
  type TransitionInput,
} from '../../../shared/domain/delivery/transition.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const AT = NOW.toISOString();

function item(version: number, overrides: Partial<OutboxItem> = {}): OutboxItem {
  return {
    senderId: 'sender',
    noteId: 'note-1',
    version,
    eventKind: version > 1 ? 'amended' : 'finalized',
    state: 'pending',
    tenant: 'org',
    cell: 'us',
    ehrTarget: 'us-ehr',
    encounterRef: 'enc',
    receivedAt: AT,
    attempts: 0,
    attemptsSinceReplay: 0,
    deferrals: 0,
    history: [],
    ...overrides,
  };
}

const step = (outcome: StepRecord['outcome'], httpStatus?: number): StepRecord => ({
  at: AT,
  step: 'document-create',
  outcome,
  durationMs: 12,
  ...(httpStatus ? { httpStatus } : {}),
});

const result = (status: DeliveryResult['status'], extra: Partial<DeliveryResult> = {}): DeliveryResult => ({
  status,
  attempt: step(status === 'delivered' ? 'ok' : 'unavailable', status === 'delivered' ? 201 : 503),
  steps: [],
  resourceIds: status === 'delivered' ? { patient: 'p1', documentReference: 'd1' } : { patient: 'p1' },
  ...extra,
});

// Built by hand here: the transition only carries entries through, it never reads or changes them.
const entry = (decision: string) => ({ transferId: `t-${decision}`, decision }) as unknown as UnsealedEntry;
const allowed: EgressDecision = { kind: 'allowed', entry: entry('allowed') };
const denied: EgressDecision = { kind: 'denied', entry: entry('denied') };

const input = (overrides: Partial<TransitionInput>): TransitionInput => {
  const processed = overrides.item ?? item(1);
  return {
    items: [processed],
    item: processed,
    egress: { kind: 'domestic' },
    verdict: { kind: 'attempted', result: result('delivered') },
    now: NOW,
    notifySender: true,
    cell: 'us',
    ...overrides,
  };
};

describe('decideTransition: the attempt and the new state', () => {
  it('records a delivery with its resource ids, conditional on the item as read', () => {
    const t = decideTransition(input({ item: item(1, { attempts: 2, deferrals: 1 }) }));

    expect(t.key).toEqual({ senderId: 'sender', noteId: 'note-1', version: 1, eventKind: 'finalized' });
    expect(t.expected).toEqual({ attempts: 2, deferrals: 1 });
    expect(t.change).toMatchObject({
      state: 'delivered',
      deliveredAt: AT,
      resourceIds: { documentReference: 'd1' },
    });
  });

  it('schedules a retry after the backoff the attempt chose', () => {
    const t = decideTransition(
      input({ verdict: { kind: 'attempted', result: result('retry', { retryAfterMs: 1500 }) } }),
    );

    expect(t.change).toMatchObject({ state: 'retrying', nextAttemptAt: '2026-11-30T12:00:01.500Z' });
  });

  it("parks a rejection with the EHR's outcome summarised (no free text)", () => {
    const operationOutcome = {
      resourceType: 'OperationOutcome' as const,
      issue: [{ severity: 'error' as const, code: 'invalid' as const, diagnostics: 'Jane Doe is wrong' }],
    };
    const t = decideTransition(
      input({
        verdict: {
          kind: 'attempted',
          result: result('parked', { parkReason: 'rejected', operationOutcome }),
        },
      }),
    );

    expect(t.change).toMatchObject({ state: 'parked', parkReason: 'rejected', parkedAt: AT });
    expect(JSON.stringify(t.change)).not.toContain('Jane');
  });

  it('parks a missing target and a denied transfer without an EHR call, keeping known resource ids', () => {
    const known = item(1, { resourceIds: { patient: 'p9' } });
    const missing = decideTransition(
      input({ item: known, egress: undefined, verdict: { kind: 'target-missing' } }),
    );
    const refused = decideTransition(
      input({ item: known, egress: denied, verdict: { kind: 'transfer-denied' } }),
    );

    expect(missing.change).toMatchObject({
      state: 'parked',
      parkReason: 'target-not-configured',
      resourceIds: { patient: 'p9' },
    });
    expect(refused.change).toMatchObject({ state: 'parked', parkReason: 'transfer-denied' });
  });

  it('defers an open circuit without spending an attempt, stored as retrying', () => {
    const t = decideTransition(
      input({
        egress: undefined,
        verdict: { kind: 'circuit-open', retryAt: new Date('2026-11-30T12:00:02Z') },
      }),
    );

    expect(t.change).toEqual({ state: 'deferred', nextAttemptAt: '2026-11-30T12:00:02.000Z' });
    expect(stateAfter(t.change)).toBe('retrying');
    expect([t.ledgerEntries, t.callbacks, t.wake]).toEqual([[], [], []]);
  });
});

describe('decideTransition: ledger entries', () => {
  it('writes the allowed egress entry only with the delivery', () => {
    const delivered = decideTransition(input({ egress: allowed }));
    const retrying = decideTransition(
      input({ egress: allowed, verdict: { kind: 'attempted', result: result('retry') } }),
    );
    const parked = decideTransition(
      input({ egress: allowed, verdict: { kind: 'attempted', result: result('parked') } }),
    );

    expect(delivered.ledgerEntries).toEqual([allowed.entry]);
    expect(retrying.ledgerEntries).toEqual([]);
    expect(parked.ledgerEntries).toEqual([]);
  });

  it('writes the denied entry with the parked transfer', () => {
    const t = decideTransition(input({ egress: denied, verdict: { kind: 'transfer-denied' } }));

    expect(t.ledgerEntries).toEqual([denied.entry]);
  });

  it('writes no entry for a delivery inside the jurisdiction', () => {
    expect(decideTransition(input({})).ledgerEntries).toEqual([]);
  });
});

describe('decideTransition: successors and predecessors', () => {
  const waitingV2 = item(2, { state: 'waiting', attempts: 1 });
  const retraction = item(1, { eventKind: 'retracted', state: 'waiting' });

  it('wakes the successors that wait on the delivered version', () => {
    const t = decideTransition(input({ items: [item(1), waitingV2, retraction] }));

    expect(t.wake.map((k) => `${k.version}:${k.eventKind}`)).toEqual(['2:amended', '1:retracted']);
    expect(t.notWaiting).toEqual([]);
  });

  it('guards the successors it does not wake, present or not, against starting to wait meanwhile', () => {
    const t = decideTransition(input({ items: [item(1), item(2)] }));

    expect(t.wake).toEqual([]);
    expect(t.notWaiting.map((k) => `${k.version}:${k.eventKind}`)).toEqual(['2:amended', '1:retracted']);
  });

  it('wakes nothing and guards nothing when the item is not delivered', () => {
    const t = decideTransition(
      input({ items: [item(1), waitingV2], verdict: { kind: 'attempted', result: result('retry') } }),
    );

    expect([t.wake, t.notWaiting]).toEqual([[], []]);
  });

  it('a delivered retraction has no successors', () => {
    const processed = item(2, { eventKind: 'retracted' });
    const t = decideTransition(input({ item: processed, items: [processed, item(3, { state: 'waiting' })] }));

    expect([t.wake, t.notWaiting]).toEqual([[], []]);
  });

  it('waits on an undelivered predecessor, conditional on it still being undelivered', () => {
    const v2 = item(2);
    const waiting = result('retry', { attempt: { ...step('waiting'), step: 'wait-for-predecessor' } });
    const t = decideTransition(
      input({ item: v2, items: [item(1), v2], verdict: { kind: 'attempted', result: waiting } }),
    );

    expect(t.change.state).toBe('waiting');
    expect(t.predecessor).toEqual({
      senderId: 'sender',
      noteId: 'note-1',
      version: 1,
      eventKind: 'finalized',
    });
  });

  it('goes back to pending when the predecessor landed while the attempt ran', () => {
    const v2 = item(2);
    const waiting = result('retry', { attempt: { ...step('waiting'), step: 'wait-for-predecessor' } });
    const t = decideTransition(
      input({
        item: v2,
        items: [item(1, { state: 'delivered' }), v2],
        verdict: { kind: 'attempted', result: waiting },
      }),
    );

    expect(t.change.state).toBe('pending');
    expect(t.predecessor).toBeUndefined();
  });
});

describe('decideTransition: sender callbacks', () => {
  it('creates one delivered callback naming the DocumentReference, keyed by the attempt number', () => {
    const t = decideTransition(input({ item: item(1, { attempts: 3 }) }));

    expect(t.callbacks).toHaveLength(1);
    expect(t.callbacks[0]).toMatchObject({
      type: 'visit.note.delivered',
      seq: 4,
      ehrResource: 'd1',
      state: 'pending',
      attempts: 0,
      occurredAt: AT,
      webhookId: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
    });
  });

  it('creates a parked callback with the park reason', () => {
    const t = decideTransition(input({ egress: denied, verdict: { kind: 'transfer-denied' } }));

    expect(t.callbacks[0]).toMatchObject({ type: 'visit.note.parked', parkReason: 'transfer-denied' });
  });

  it('creates none for a retry, or when the sender has no callback', () => {
    expect(
      decideTransition(input({ verdict: { kind: 'attempted', result: result('retry') } })).callbacks,
    ).toEqual([]);
    expect(decideTransition(input({ notifySender: false })).callbacks).toEqual([]);
  });

  it('gives the same webhook-id when the same transition is decided again', () => {
    const first = decideTransition(input({}));
    const again = decideTransition(input({ now: new Date('2026-11-30T12:05:00Z') }));

    expect(again.callbacks[0]?.webhookId).toBe(first.callbacks[0]?.webhookId);
  });
});
