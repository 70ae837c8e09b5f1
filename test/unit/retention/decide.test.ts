import type { DeliveryState } from '../../../shared/domain/delivery/outbox-item.js';
import type { RetentionDays } from '../../../shared/domain/policy/retention.js';
import {
  decidePartition,
  type NoteEventRecords,
  sweepWindow,
} from '../../../shared/domain/retention/decide.js';
import type { LegalHold } from '../../../shared/ports/legal-holds.js';

const NOW = new Date('2026-11-30T00:00:00.000Z');
const DAYS: RetentionDays = {
  noteAfterDelivery: 90,
  parkedNote: 365,
  outboxHistory: 730,
  ledger: 2190,
  audit: 2190,
  digests: 2190,
};
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const event = (
  version: number,
  state: DeliveryState,
  daysAgo: number,
  o: Partial<NoteEventRecords> = {},
) => ({
  key: { senderId: 's', noteId: 'n', version, eventKind: version > 1 ? 'amended' : 'finalized' } as const,
  delivery: {
    state,
    attempts: 1,
    ...(state === 'delivered' ? { deliveredAt: ago(daysAgo) } : {}),
    ...(state === 'parked' ? { parkedAt: ago(daysAgo) } : {}),
  },
  hasCiphertext: true,
  callbacks: [],
  ...o,
});
const decide = (events: NoteEventRecords[], holds: LegalHold[] = []) =>
  decidePartition({ tenant: 'org-1', patientRef: 'pt_a', events }, DAYS, holds, NOW);
const summary = (events: NoteEventRecords[], holds: LegalHold[] = []) =>
  decide(events, holds).due.map(
    (d) => `v${d.event.key.version}:${d.ciphertext ? 'c' : ''}${d.history ? 'h' : ''}`,
  );
const hold = (scope: LegalHold['scope'], subject: string, released = false): LegalHold => ({
  holdId: 'h',
  scope,
  subject,
  reason: 'Matter 1',
  placedBy: 'him:p',
  placedAt: ago(1),
  ...(released ? { releasedBy: 'him:p', releasedAt: ago(0) } : {}),
});

describe('decidePartition', () => {
  it('lets a delivered ciphertext go on the day its period ends, not the day before', () => {
    expect(summary([event(1, 'delivered', 90)])).toEqual(['v1:c']);
    expect(summary([event(1, 'delivered', 89)])).toEqual([]);
  });

  it('keeps a parked note for its own, longer period', () => {
    expect(summary([event(1, 'parked', 100)])).toEqual([]);
    expect(summary([event(1, 'parked', 365)])).toEqual(['v1:c']);
  });

  it('removes an older version’s history with its ciphertext, and keeps the newest version’s history', () => {
    const sweep = decide([event(1, 'delivered', 800), event(2, 'delivered', 800)]);
    expect(sweep.due.map((d) => [d.event.key.version, d.ciphertext, d.history])).toEqual([
      [1, true, true],
      [2, true, false],
    ]);
    expect(sweep.newestKept).toBe(1);
  });

  it('never removes a history before the ciphertext it describes', () => {
    const longNotes = { ...DAYS, noteAfterDelivery: 3650 };
    const sweep = decidePartition(
      { tenant: 'org-1', events: [event(1, 'delivered', 800), event(2, 'delivered', 800)] },
      longNotes,
      [],
      NOW,
    );
    expect(sweep.due).toEqual([]);
  });

  it('decides nothing while any event of the note is in flight, or a callback is unsettled', () => {
    expect(summary([event(1, 'delivered', 800), event(2, 'waiting', 800)])).toEqual([]);
    expect(summary([event(1, 'delivered', 800, { callbacks: [{ seq: 1, state: 'retrying' }] })])).toEqual([]);
  });

  it('marks the note held for an active hold on its patient or organisation, not for a released one', () => {
    expect(decide([event(1, 'delivered', 200)], [hold('patient', 'pt_a')]).held).toBe(true);
    expect(decide([event(1, 'delivered', 200)], [hold('organization', 'org-1')]).held).toBe(true);
    expect(decide([event(1, 'delivered', 200)], [hold('patient', 'pt_a', true)]).held).toBe(false);
    expect(decide([event(1, 'delivered', 200)], [hold('organization', 'org-2')]).held).toBe(false);
  });

  it('marks what stays of an event once nothing more of it can fall due before its history', () => {
    const sweep = decide([event(1, 'delivered', 100)]);
    expect(sweep.due.map((d) => [d.ciphertext, d.history, d.markAfter])).toEqual([
      [true, false, 'ciphertext-gone'],
    ]);
    expect(sweep.marks).toEqual([]);
  });

  it('marks the newest history kept past its period, counts it once, and not again once marked', () => {
    const gone = { hasCiphertext: false, callbacks: [{ seq: 1, state: 'delivered' as const }] };
    const unmarked = decide([event(1, 'delivered', 800, gone)]);
    const marked = decide([event(1, 'delivered', 800, { ...gone, mark: 'newest-kept' })]);
    expect(unmarked.marks.map((m) => m.mark)).toEqual(['newest-kept']);
    expect(unmarked.newestKept).toBe(2);
    expect(marked.marks).toEqual([]);
    expect(marked.newestKept).toBe(0);
  });

  it('marks an amendment’s older history gone with the ciphertext, the newest kept in the same step', () => {
    const sweep = decide([event(1, 'delivered', 800), event(2, 'delivered', 800)]);
    expect(sweep.due.map((d) => d.markAfter)).toEqual([undefined, 'newest-kept']);
  });

  it('marks nothing under a hold, nor an event whose ciphertext is not yet due', () => {
    const gone = { hasCiphertext: false };
    expect(decide([event(1, 'delivered', 100, gone)], [hold('patient', 'pt_a')]).marks).toEqual([]);
    expect(decide([event(1, 'delivered', 100, gone)]).marks.map((m) => m.mark)).toEqual(['ciphertext-gone']);
    expect(decide([event(1, 'delivered', 10)]).marks).toEqual([]);
    expect(decide([event(1, 'delivered', 10)]).due).toEqual([]);
  });

  it('reads delivered and parked deliveries from their own cutoffs, and histories from theirs', () => {
    expect(sweepWindow(DAYS, NOW)).toEqual({
      receivedBefore: { delivered: ago(90), parked: ago(365) },
      historyBefore: ago(730),
    });
    expect(sweepWindow({ ...DAYS, outboxHistory: 30 }, NOW).receivedBefore).toEqual({
      delivered: ago(30),
      parked: ago(30),
    });
  });
});
