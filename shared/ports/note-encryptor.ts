import type { VisitNoteEvent } from '../domain/event/schema.js';

/** Who a ciphertext belongs to; bound into the encryption context and checked on decrypt. */
export interface NoteBinding {
  cell: string;
  tenant: string;
  senderId: string;
  noteId: string;
  version: number;
  /** The patient's pseudonymous reference: whose key protects the note. */
  patientRef: string;
}

export interface SealedNote {
  ciphertext: Uint8Array;
  /** Id of the wrapping key (KMS key ARN or local key name): PHI-free metadata for the ledger. */
  keyId: string;
  /** Id of the patient key that wraps the note's data key (destroyed on erasure). */
  patientKeyId: string;
}

/** Envelope encryption of a note under its patient's key, itself under the key of the cell that holds it. */
export interface NoteEncryptor {
  encrypt(event: VisitNoteEvent, binding: NoteBinding): Promise<SealedNote>;
  /**
   * @throws AppError `ciphertext-mismatch` when the ciphertext belongs to another
   * cell, tenant, patient, note or version (a swapped or tampered item); `note-erased`
   * when the patient's key was destroyed.
   */
  decrypt(ciphertext: Uint8Array, expected: NoteBinding): Promise<VisitNoteEvent>;
}
