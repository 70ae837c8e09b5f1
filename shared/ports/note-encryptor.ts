import type { VisitNoteEvent } from '../domain/event/schema.js';

/** Who a ciphertext belongs to; bound into the encryption context and checked on decrypt. */
export interface NoteBinding {
  cell: string;
  tenant: string;
  senderId: string;
  noteId: string;
  version: number;
}

export interface SealedNote {
  ciphertext: Uint8Array;
  /** Id of the wrapping key (KMS key ARN or local key name): PHI-free metadata for the ledger. */
  keyId: string;
}

/** Envelope encryption of a note with the key of the cell that holds it. */
export interface NoteEncryptor {
  encrypt(event: VisitNoteEvent, binding: NoteBinding): Promise<SealedNote>;
  /**
   * @throws AppError `ciphertext-mismatch` when the ciphertext belongs to another
   * cell, tenant, note or version (a swapped or tampered item).
   */
  decrypt(ciphertext: Uint8Array, expected: NoteBinding): Promise<VisitNoteEvent>;
}
