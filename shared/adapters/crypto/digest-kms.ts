import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { AppError } from '../../domain/errors.js';
import type { DigestSignature, DigestSigner } from '../../ports/digest-signer.js';

const ALG = 'ECDSA_SHA_256';

/**
 * Digest signer on the cell's asymmetric single-Region KMS key (ECC_NIST_P256,
 * SIGN_VERIFY). KMS is sent the SHA-256 of the bytes (`MessageType: 'DIGEST'`), so
 * any number of shards fits KMS's 4 KB message limit, and the signature is the same
 * DER ECDSA P-256/SHA-256 a local key makes. Nothing here asks KMS to verify:
 * verification runs offline with the public key, as an outside auditor does, so
 * only the digest function needs `kms:Sign` and readers need `kms:GetPublicKey`.
 *
 * @example
 * const signer = new KmsDigestSigner(new KMSClient({ region }), env.DIGEST_KEY_ARN);
 */
export class KmsDigestSigner implements DigestSigner {
  private publicKey: Promise<string> | undefined;

  /** @param keyId the key ARN: it is written into every digest, so use the ARN, not an alias. */
  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  /** @throws AppError('storage-unavailable') when KMS fails or returns no signature. */
  async sign(bytes: Uint8Array): Promise<DigestSignature> {
    let signature: Uint8Array | undefined;
    try {
      const out = await this.kms.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: sha256(bytes),
          MessageType: 'DIGEST',
          SigningAlgorithm: ALG,
        }),
      );
      signature = out.Signature;
    } catch (error) {
      throw new AppError('storage-unavailable', 'KMS Sign failed', {}, { cause: error });
    }
    if (!signature) throw new AppError('storage-unavailable', 'KMS Sign returned no signature');
    return { alg: ALG, keyId: this.keyId, signature: Buffer.from(signature).toString('base64') };
  }

  /**
   * The key's public half as SPKI PEM, fetched once per instance (a failed fetch is retried next time).
   *
   * @throws AppError('storage-unavailable') when KMS fails or the key is not an ECC_NIST_P256 signing key.
   */
  publicKeyPem(): Promise<string> {
    this.publicKey ??= this.fetchPublicKey().catch((error: unknown) => {
      this.publicKey = undefined;
      throw error;
    });
    return this.publicKey;
  }

  private async fetchPublicKey(): Promise<string> {
    let der: Uint8Array | undefined;
    let spec: string | undefined;
    try {
      const out = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
      der = out.PublicKey;
      spec = out.KeySpec;
    } catch (error) {
      throw new AppError('storage-unavailable', 'KMS GetPublicKey failed', {}, { cause: error });
    }
    if (!der || spec !== 'ECC_NIST_P256') {
      throw new AppError(
        'storage-unavailable',
        `the digest key is not an ECC_NIST_P256 key (${spec ?? 'no key'})`,
      );
    }
    try {
      return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
    } catch (error) {
      throw new AppError(
        'storage-unavailable',
        'KMS returned an unreadable public key',
        {},
        { cause: error },
      );
    }
  }
}

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();
