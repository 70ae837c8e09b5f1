import type { EventMark, EventSweep, NotePartition, SweepWindow } from '../domain/retention/decide.js';

/** A note of a sender. */
export interface NoteRef {
  senderId: string;
  noteId: string;
}

/** How a deletion ended: done, the delivery moved on since it was read, or a hold was placed meanwhile. */
export type RemoveOutcome = 'removed' | 'moved-on' | 'holds-changed';

/**
 * What the retention sweeper reads and deletes in a cell's store. Deletions are
 * conditional: on each delivery being as read, and on the legal holds' version,
 * so neither a replay nor a hold placed during a run loses to the sweeper.
 * Every method throws AppError('storage-unavailable') when the store fails.
 */
export interface RetentionStore {
  /** Notes with a settled (delivered or parked) delivery in the window, each once. */
  settledNotes(window: SweepWindow): AsyncIterable<NoteRef>;
  /** The note's records, read at once (undefined when nothing of it is left). */
  readNote(note: NoteRef): Promise<NotePartition | undefined>;
  /**
   * Deletes what `due` names of one event, and notes `due.markAfter` on an outbox item that
   * stays, in one transaction, unless the event or the holds changed.
   */
  remove(due: EventSweep, holdsVersion: number): Promise<RemoveOutcome>;
  /** Notes a mark on an event's outbox item, unless the event changed since it was read (then false). */
  mark(mark: EventMark): Promise<boolean>;
  /** Records of the histories marked `newest-kept` that settled before `historyBefore`. */
  countNewestKept(historyBefore: string): Promise<number>;
  /**
   * Removes any DynamoDB TTL from the note's versions (releases before the sweeper set one on
   * delivery): a held note must not expire on its own. Returns how many versions had one.
   */
  clearTtl(note: NoteRef): Promise<number>;
  /** How many records of a chain are older than `before` (they are never deleted: docs/retention.md). */
  countChained(chain: 'ledger' | 'audit', before: string): Promise<number>;
}
