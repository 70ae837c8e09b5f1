import { verify } from 'node:crypto';
import * as z from 'zod';
import type { SignedDocumentKind } from '../../ports/document-signer.js';

/** Every kind of document the cell signs with its digest key. */
export const SIGNED_DOCUMENT_KINDS = [
  'evidence-manifest',
  'erasure-certificate',
] as const satisfies readonly SignedDocumentKind[];

/**
 * What a document signature covers: this line, then the document's bytes. The prefix
 * keeps the digest key's two uses apart: a digest's signed bytes are canonical JSON
 * (`{…`), so no document signature can pass as a digest's, nor the reverse, whatever
 * bytes a caller asks to have signed.
 */
export const documentSigningPrefix = (kind: SignedDocumentKind): string =>
  `visitbridge-signed-document/1 ${kind}\n`;

/** The bytes a document signature is made over. */
export function documentSigningBytes(kind: SignedDocumentKind, bytes: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(documentSigningPrefix(kind));
  const out = new Uint8Array(prefix.length + bytes.length);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

/** A detached document signature as written next to the document (`<file>.sig`). */
export const DocumentSignatureSchema = z.strictObject({
  format: z.literal('visitbridge-document-signature/1'),
  kind: z.enum(SIGNED_DOCUMENT_KINDS),
  alg: z.literal('ECDSA_SHA_256'),
  keyId: z.string().min(1),
  /** Base64 of the DER ECDSA P-256 signature over `documentSigningBytes(kind, document)`. */
  signature: z.string().min(1),
});
export type DocumentSignature = z.infer<typeof DocumentSignatureSchema>;

/**
 * Whether `signature` is a valid signature of `bytes` as a document of its kind by the
 * holder of `publicKeyPem` (the cell's digest public key). Pure and offline.
 */
export function documentSignatureValid(
  signature: DocumentSignature,
  bytes: Uint8Array,
  publicKeyPem: string,
): boolean {
  try {
    return verify(
      'sha256',
      documentSigningBytes(signature.kind, bytes),
      { key: publicKeyPem, dsaEncoding: 'der' },
      Buffer.from(signature.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
