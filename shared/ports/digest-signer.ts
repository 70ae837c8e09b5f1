/** A detached signature over a ledger digest, with what is needed to check it. */
export interface DigestSignature {
  /** `HMAC-SHA256` (local key file) or `ECDSA_SHA_256` (KMS asymmetric key). */
  alg: string;
  /** Which key signed: a key fingerprint locally, the KMS key ARN in AWS. */
  keyId: string;
  /** Base64. */
  signature: string;
}

/**
 * Signs the digests that pin the ledger's shard heads, so a rewrite of the whole
 * table (hashes recomputed) is still caught. One adapter per environment.
 */
export interface DigestSigner {
  /** @throws AppError('storage-unavailable') when the signing service fails. */
  sign(bytes: Uint8Array): Promise<DigestSignature>;
  /**
   * True when `signature` is a valid signature of `bytes` by this signer's key;
   * false for a bad signature, another algorithm or another key.
   *
   * @throws AppError('storage-unavailable') when the signing service fails.
   */
  verify(bytes: Uint8Array, signature: DigestSignature): Promise<boolean>;
}
