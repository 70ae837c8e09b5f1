import type { CallbackChange, CallbackKey, CallbackRow } from '../domain/delivery/callback.js';
import type { DeliveryState, OutboxItem, OutboxKey } from '../domain/delivery/outbox-item.js';
import type { ItemChange, Transition } from '../domain/delivery/transition.js';

/** An attempt's result as a HIM tool or fixture records it directly (no ledger entries, no successors). */
export type AttemptUpdate = Exclude<ItemChange, { state: 'deferred' | 'pending' }>;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A note's whole delivery state, read at once: outbox items, callback rows and the ciphertexts. */
export interface NoteSnapshot {
  items: OutboxItem[];
  callbacks: CallbackRow[];
  /** The encrypted note of an outbox item, when it is stored. */
  ciphertext(key: OutboxKey): Uint8Array | undefined;
}

/**
 * How a commit ended: `stale` when the item moved on since it was read (nothing is
 * written); `raced` when a successor started waiting or the awaited predecessor was
 * delivered meanwhile (nothing is written: read again and decide again).
 */
export type CommitOutcome = 'committed' | 'stale' | 'raced';

/** The delivery outbox of a cell. */
export interface Outbox {
  get(key: OutboxKey): Promise<OutboxItem | undefined>;
  /** Encrypted note of an outbox item. */
  ciphertext(key: OutboxKey): Promise<Uint8Array | undefined>;
  /**
   * The note's outbox items, callback rows and ciphertexts in one consistent read.
   * @throws AppError `storage-unavailable`.
   */
  readNote(senderId: string, noteId: string): Promise<NoteSnapshot>;
  /**
   * Commits one step's transition atomically: the item (conditional on its attempt
   * counter), successor wake-ups, the note's retention, callback rows and ledger entries.
   * @throws AppError `storage-unavailable` when the table cannot be written.
   */
  commit(transition: Transition): Promise<CommitOutcome>;
  /**
   * Records an attempt's result on its own, conditional on `attempts` still being `expectedAttempts`.
   * @returns false when another writer got there first.
   */
  recordAttempt(
    key: OutboxKey,
    expectedAttempts: number,
    update: AttemptUpdate,
    at: string,
  ): Promise<boolean>;
  /** Puts a parked item back in the queue with a fresh attempt budget (HIM replay). */
  requeue(key: OutboxKey, at: string): Promise<boolean>;
  listByState(
    state: DeliveryState,
    page: { limit: number; cursor?: string; from?: string; to?: string },
  ): Promise<Page<OutboxItem>>;
}

/** Sender callback rows: read one, record a try. */
export interface CallbackOutbox {
  getCallback(key: CallbackKey): Promise<CallbackRow | undefined>;
  /**
   * Records a try's result, conditional on the row's `attempts` still being `expectedAttempts`.
   * @returns false when another worker recorded this try first.
   * @throws AppError `storage-unavailable`.
   */
  recordCallbackTry(
    key: CallbackKey,
    expectedAttempts: number,
    change: CallbackChange,
    at: string,
  ): Promise<boolean>;
  /** Callback rows that ended `failed`, oldest first (for HIMs). */
  listFailedCallbacks(page: { limit: number; cursor?: string }): Promise<Page<CallbackRow>>;
}
