/** A detached signature over a digest, with what is needed to check it offline. */
export interface DigestSignature {
  /** Always ECDSA over P-256 with SHA-256 (KMS `ECDSA_SHA_256`), DER-encoded. */
  alg: 'ECDSA_SHA_256';
  /** Which key signed: the KMS key ARN in AWS, a public-key fingerprint locally. */
  keyId: string;
  /** Base64 of the DER signature. */
  signature: string;
}

/**
 * Signs the digests that seal the ledger and the audit log. Asymmetric, so anyone
 * holding the public key (an outside auditor, offline) can check a digest, and no
 * one who can write the cell's table can forge one. One adapter per environment:
 * an asymmetric single-Region KMS key (ECC_NIST_P256) in AWS, a local P-256 key file.
 */
export interface DigestSigner {
  readonly keyId: string;
  /** @throws AppError('storage-unavailable') when the signing service fails. */
  sign(bytes: Uint8Array): Promise<DigestSignature>;
  /**
   * The verifying key as SPKI PEM.
   *
   * @throws AppError('storage-unavailable') when the key service fails.
   */
  publicKeyPem(): Promise<string>;
}
