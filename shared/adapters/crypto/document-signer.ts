import { documentSigningBytes } from '../../domain/seal/signed-document.js';
import type { DigestSignature, DigestSigner } from '../../ports/digest-signer.js';
import type { DocumentSigner, SignedDocumentKind } from '../../ports/document-signer.js';

/**
 * Signs documents with the cell's digest key itself: the local key file locally, the
 * KMS key inside the digest function in AWS. The signature covers the document's
 * kind and bytes (`documentSigningBytes`), never bytes that could pass as a digest.
 *
 * @example
 * const documents = new DigestKeyDocumentSigner(await LocalDigestSigner.fromKeyFile(path));
 */
export class DigestKeyDocumentSigner implements DocumentSigner {
  constructor(private readonly signer: DigestSigner) {}

  /** @throws AppError('storage-unavailable') when the key service fails. */
  sign(kind: SignedDocumentKind, bytes: Uint8Array): Promise<DigestSignature> {
    return this.signer.sign(documentSigningBytes(kind, bytes));
  }

  publicKeyPem(): Promise<string> {
    return this.signer.publicKeyPem();
  }
}
