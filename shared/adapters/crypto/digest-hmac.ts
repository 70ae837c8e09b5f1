import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DigestSignature, DigestSigner } from '../../ports/digest-signer.js';
import { loadOrCreateKeyFile } from './keyrings.js';

const ALG = 'HMAC-SHA256';

/**
 * Local digest signer: HMAC-SHA256 with a per-cell key file. The key id is a
 * fingerprint of the key, so a digest signed with another key is recognised as such.
 */
export class HmacDigestSigner implements DigestSigner {
  readonly keyId: string;

  constructor(private readonly key: Uint8Array) {
    if (key.length < 32) throw new RangeError('HMAC digest key must be at least 32 bytes');
    this.keyId = `hmac:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  }

  /**
   * A signer on the cell's key file, created (32 random bytes, mode 0600) on first use.
   *
   * @throws when the file exists with the wrong size or cannot be read or written.
   */
  static async fromKeyFile(path: string): Promise<HmacDigestSigner> {
    return new HmacDigestSigner(await loadOrCreateKeyFile(path));
  }

  async sign(bytes: Uint8Array): Promise<DigestSignature> {
    return { alg: ALG, keyId: this.keyId, signature: this.mac(bytes).toString('base64') };
  }

  async verify(bytes: Uint8Array, signature: DigestSignature): Promise<boolean> {
    if (signature.alg !== ALG || signature.keyId !== this.keyId) return false;
    const expected = this.mac(bytes);
    const given = Buffer.from(signature.signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(bytes: Uint8Array): Buffer {
    return createHmac('sha256', this.key).update(bytes).digest();
  }
}
