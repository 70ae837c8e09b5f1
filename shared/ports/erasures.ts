import type { OutboxKey } from '../domain/delivery/outbox-item.js';
import type { ErasureRequest, ErasureState, PatientNoteEvent } from '../domain/erasure/erasure.js';

/** Erasure requests and what they act on, in the cell's table. */
export interface ErasureStore {
  /** Every stored note event of a patient (versions and retractions) with its delivery state. */
  patientNotes(patientRef: string): Promise<PatientNoteEvent[]>;
  /** @throws AppError('storage-unavailable') when the id is taken or the table fails. */
  create(request: ErasureRequest): Promise<void>;
  get(erasureId: string): Promise<ErasureRequest | undefined>;
  /** Moves a request on if it is still in `from`; false when someone else moved it first. */
  transition(erasureId: string, from: ErasureState, change: Partial<ErasureRequest>): Promise<boolean>;
  /** The erasure that removed a note event's ciphertext, if one did. */
  erasureOf(key: OutboxKey): Promise<string | undefined>;
  /** Removes the ciphertext of each note event (already unreadable: this leaves nothing to restore from). */
  removeCiphertexts(notes: readonly PatientNoteEvent[], erasureId: string, at: string): Promise<void>;
}
