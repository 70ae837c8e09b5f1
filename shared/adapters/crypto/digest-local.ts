import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { publicKeyFingerprint } from '../../domain/seal/digest.js';
import type { DigestSignature, DigestSigner } from '../../ports/digest-signer.js';
import { readOrCreate } from '../fs/create-once.js';

/**
 * Local digest signer: an ECDSA P-256 key in a PKCS#8 PEM file (mode 0600), the
 * same algorithm as the KMS key in AWS (ECDSA_SHA_256, DER signatures), so one
 * offline verifier checks both. The key id is `local:<fingerprint of the public key>`.
 */
export class LocalDigestSigner implements DigestSigner {
  readonly keyId: string;
  private readonly publicPem: string;

  constructor(private readonly privateKey: KeyObject) {
    if (
      privateKey.asymmetricKeyType !== 'ec' ||
      privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new RangeError('the digest key must be an EC P-256 private key');
    }
    this.publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = `local:${publicKeyFingerprint(this.publicPem)}`;
  }

  /**
   * A signer on the cell's key file, created on first use (atomically: concurrent
   * starts agree on one key).
   *
   * @throws when the file cannot be read or written, or holds no EC P-256 key.
   */
  static async fromKeyFile(path: string): Promise<LocalDigestSigner> {
    const pem = await readOrCreate(path, () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    );
    return new LocalDigestSigner(createPrivateKey(pem));
  }

  async sign(bytes: Uint8Array): Promise<DigestSignature> {
    const signature = sign('sha256', bytes, { key: this.privateKey, dsaEncoding: 'der' });
    return { alg: 'ECDSA_SHA_256', keyId: this.keyId, signature: signature.toString('base64') };
  }

  async publicKeyPem(): Promise<string> {
    return this.publicPem;
  }
}
