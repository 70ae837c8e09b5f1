import type { DigestSignature } from './digest-signer.js';

/** Documents the cell signs for people outside it: checked offline with the digest public key. */
export type SignedDocumentKind = 'evidence-manifest' | 'erasure-certificate';

/**
 * Signs a document with the cell's digest key (the key that signs the ledger and audit
 * digests), so an auditor checks it with the same public key. In AWS only the digest
 * function may call `kms:Sign`, so the HIM API asks it; locally the local digest key signs.
 */
export interface DocumentSigner {
  /** @throws AppError('storage-unavailable') when the signing service fails. */
  sign(kind: SignedDocumentKind, bytes: Uint8Array): Promise<DigestSignature>;
  /** The verifying key as SPKI PEM. */
  publicKeyPem(): Promise<string>;
}
