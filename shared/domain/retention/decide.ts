import type { LegalHold } from '../../ports/legal-holds.js';
import type { CallbackState } from '../delivery/callback.js';
import type { DeliveryState, OutboxItem, OutboxKey } from '../delivery/outbox-item.js';
import { covers } from '../holds/hold.js';
import type { RecordClass, RetentionDays } from '../policy/retention.js';

const DAY_MS = 86_400_000;

/**
 * What a run notes on an event's outbox item once nothing of it can fall due before its
 * history does, so later runs do not read the note again until then:
 * - `ciphertext-gone`: no ciphertext left; the history falls due after its own period;
 * - `newest-kept`: the note's newest history, past its period and kept (until an amendment
 *   arrives: its own item brings the note back to a run).
 */
export type SweepMark = NonNullable<OutboxItem['retentionMark']>;

/** One event of a note as the sweeper reads it: its delivery, ciphertext and callbacks (PHI-free). */
export interface NoteEventRecords {
  key: OutboxKey;
  /** The outbox item's state and the attempts it was read at (the delete is conditional on them). */
  delivery: { state: DeliveryState; attempts: number; deliveredAt?: string; parkedAt?: string };
  hasCiphertext: boolean;
  callbacks: Array<{ seq: number; state: CallbackState }>;
  /** What an earlier run noted on the outbox item. */
  mark?: SweepMark;
}

/** Everything one note partition holds, read at once. */
export interface NotePartition {
  tenant: string;
  patientRef?: string;
  events: NoteEventRecords[];
}

/** Counts of one record class in a retention run: nothing that identifies a patient. */
export interface ClassCounts {
  /** Records past their period and deleted. */
  deleted: number;
  /** Records past their period kept because a legal hold covers them. */
  held: number;
  /** Records past their period kept on purpose: chained and sealed classes, a note's newest delivery record. */
  eligibleNotDeleted: number;
}

/** What of one note event is past its period: its ciphertext (in `ciphertextClass`), its history, or both. */
export interface EventSweep {
  event: NoteEventRecords;
  ciphertextClass: 'noteAfterDelivery' | 'parkedNote';
  ciphertext: boolean;
  /** The outbox item and its callback rows. */
  history: boolean;
  /** When the outbox item stays: what to note on it in the same transaction. */
  markAfter?: SweepMark;
}

/**
 * The settled deliveries a run reads: those received before their state's cutoff and not
 * marked, and those marked `ciphertext-gone` that settled before `historyBefore`. Items
 * marked `newest-kept` are not read (the store counts them).
 */
export interface SweepWindow {
  receivedBefore: { delivered: string; parked: string };
  historyBefore: string;
}

/** A mark to note on an event's outbox item that nothing is due of now. */
export interface EventMark {
  event: NoteEventRecords;
  mark: SweepMark;
}

/** The records an event's history stands for: its outbox item and its callback rows. */
export const historyRecords = (event: NoteEventRecords): number => 1 + event.callbacks.length;

/** What of one partition is due: to delete, or to keep under a legal hold. */
export interface PartitionSweep {
  held: boolean;
  due: EventSweep[];
  /** Marks to note on items nothing is due of (none when held or in flight). */
  marks: EventMark[];
  /**
   * Records past their period kept because they are the note's newest history (see
   * `decidePartition`), not yet marked `newest-kept`: once marked, the store counts them.
   */
  newestKept: number;
}

const SETTLED: ReadonlySet<DeliveryState> = new Set(['delivered', 'parked']);
const CALLBACK_SETTLED: ReadonlySet<CallbackState> = new Set(['delivered', 'failed']);

const isDue = (settledAt: string | undefined, days: number, now: Date): boolean =>
  settledAt !== undefined && Date.parse(settledAt) + days * DAY_MS <= now.getTime();

const settledAt = (e: NoteEventRecords): string | undefined =>
  e.delivery.state === 'delivered' ? e.delivery.deliveredAt : e.delivery.parkedAt;

export const emptyCounts = (): ClassCounts => ({ deleted: 0, held: 0, eligibleNotDeleted: 0 });

/** The newest version's own event (not a retraction): what a later amendment is ordered after. */
function newestVersionEvent(events: readonly NoteEventRecords[]): NoteEventRecords | undefined {
  return events
    .filter((e) => e.key.eventKind !== 'retracted')
    .reduce<NoteEventRecords | undefined>((a, e) => (a && a.key.version > e.key.version ? a : e), undefined);
}

/**
 * Decides, without I/O, what of one note partition is past its retention at `now`:
 * a ciphertext by how its delivery ended (`noteAfterDelivery` from `deliveredAt`,
 * `parkedNote` from `parkedAt`); an outbox item with its callback rows
 * (`outboxHistory`) once settled for its period, and never before the ciphertext it
 * describes is gone. The newest version's outbox item stays (counted by the caller
 * as eligible, not deleted): an amendment that arrives later is ordered after it.
 * Nothing is due while any event of the note is in flight (pending, retrying,
 * waiting, or a callback not settled). `held` says a legal hold covers the patient
 * or the organisation: then the caller deletes nothing and counts what is due as held.
 */
export function decidePartition(
  partition: NotePartition,
  days: RetentionDays,
  holds: readonly LegalHold[],
  now: Date,
): PartitionSweep {
  const held = holds.some((hold) => covers(hold, partition.patientRef, [partition.tenant]));
  const sweep: PartitionSweep = { held, due: [], marks: [], newestKept: 0 };
  const inFlight = partition.events.some(
    (e) => !SETTLED.has(e.delivery.state) || e.callbacks.some((c) => !CALLBACK_SETTLED.has(c.state)),
  );
  if (inFlight) return sweep;
  const newest = newestVersionEvent(partition.events);
  for (const event of partition.events) {
    const at = settledAt(event);
    const ciphertextClass = event.delivery.state === 'delivered' ? 'noteAfterDelivery' : 'parkedNote';
    const ciphertext = event.hasCiphertext && isDue(at, days[ciphertextClass], now);
    const historyDue = (ciphertext || !event.hasCiphertext) && isDue(at, days.outboxHistory, now);
    const newestKept = historyDue && event === newest;
    const history = historyDue && !newestKept;
    if (newestKept && event.mark !== 'newest-kept') sweep.newestKept += historyRecords(event);
    // What stays of the event once the due part is gone, when nothing more can fall due before its history.
    const mark: SweepMark | undefined =
      history || (event.hasCiphertext && !ciphertext)
        ? undefined
        : newestKept
          ? 'newest-kept'
          : 'ciphertext-gone';
    if (ciphertext || history) {
      sweep.due.push({ event, ciphertextClass, ciphertext, history, ...(mark ? { markAfter: mark } : {}) });
    } else if (mark && mark !== event.mark && !held) {
      sweep.marks.push({ event, mark });
    }
  }
  return sweep;
}

/** Adds what one event's sweep removes (or would, were it not held) to the run's counts. */
export function countEvent(
  counts: Record<RecordClass, ClassCounts>,
  due: EventSweep,
  outcome: 'deleted' | 'held',
): void {
  if (due.ciphertext) counts[due.ciphertextClass][outcome] += 1;
  if (due.history) counts.outboxHistory[outcome] += historyRecords(due.event);
}

/**
 * Which settled deliveries a run reads (see `SweepWindow`): a record settles after it is
 * received, so nothing of a delivered item is due before `received + min(noteAfterDelivery,
 * outboxHistory)`, nor of a parked one before `received + min(parkedNote, outboxHistory)`.
 */
export function sweepWindow(days: RetentionDays, now: Date): SweepWindow {
  return {
    receivedBefore: {
      delivered: periodCutoff(Math.min(days.noteAfterDelivery, days.outboxHistory), now),
      parked: periodCutoff(Math.min(days.parkedNote, days.outboxHistory), now),
    },
    historyBefore: periodCutoff(days.outboxHistory, now),
  };
}

/** The instant before which a record of a class is past its period. */
export const periodCutoff = (days: number, now: Date): string =>
  new Date(now.getTime() - days * DAY_MS).toISOString();
