import { createHash } from 'node:crypto';
import {
  type KMSClient,
  KMSInvalidSignatureException,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { AppError } from '../../domain/errors.js';
import type { DigestSignature, DigestSigner } from '../../ports/digest-signer.js';

const ALG = 'ECDSA_SHA_256';

/**
 * Digest signer on an asymmetric KMS key (ECC_NIST_P256, ECDSA_SHA_256). The
 * SHA-256 of the digest is sent (`MessageType: 'DIGEST'`), never the digest
 * itself, so any number of shards fits KMS's 4 KB message limit. Anyone with
 * the public key can check a signature offline.
 */
export class KmsDigestSigner implements DigestSigner {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  /** @throws AppError('storage-unavailable') when KMS fails. */
  async sign(bytes: Uint8Array): Promise<DigestSignature> {
    const out = await this.call(() =>
      this.kms.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: sha256(bytes),
          MessageType: 'DIGEST',
          SigningAlgorithm: ALG,
        }),
      ),
    );
    if (!out.Signature) throw new AppError('storage-unavailable', 'KMS Sign returned no signature');
    return {
      alg: ALG,
      keyId: out.KeyId ?? this.keyId,
      signature: Buffer.from(out.Signature).toString('base64'),
    };
  }

  /**
   * Checks against this signer's key, whatever key id the digest names, so a
   * digest signed with any other key fails.
   *
   * @throws AppError('storage-unavailable') when KMS fails for another reason than a bad signature.
   */
  async verify(bytes: Uint8Array, signature: DigestSignature): Promise<boolean> {
    if (signature.alg !== ALG) return false;
    try {
      const out = await this.kms.send(
        new VerifyCommand({
          KeyId: this.keyId,
          Message: sha256(bytes),
          MessageType: 'DIGEST',
          Signature: Buffer.from(signature.signature, 'base64'),
          SigningAlgorithm: ALG,
        }),
      );
      return out.SignatureValid === true;
    } catch (error) {
      if (error instanceof KMSInvalidSignatureException) return false;
      throw new AppError('storage-unavailable', 'KMS Verify failed', {}, { cause: error });
    }
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new AppError('storage-unavailable', 'KMS Sign failed', {}, { cause: error });
    }
  }
}

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();
