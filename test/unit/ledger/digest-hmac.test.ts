import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HmacDigestSigner } from '../../../shared/adapters/crypto/digest-hmac.js';

const bytes = new TextEncoder().encode('{"cell":"uk"}');

describe('HmacDigestSigner', () => {
  it('verifies its own signature', async () => {
    const signer = new HmacDigestSigner(Buffer.alloc(32, 7));
    expect(await signer.verify(bytes, await signer.sign(bytes))).toBe(true);
  });

  it('rejects a signature over other bytes', async () => {
    const signer = new HmacDigestSigner(Buffer.alloc(32, 7));
    const signature = await signer.sign(bytes);
    expect(await signer.verify(new TextEncoder().encode('{"cell":"us"}'), signature)).toBe(false);
  });

  it('rejects a signature made with another key', async () => {
    const other = await new HmacDigestSigner(Buffer.alloc(32, 8)).sign(bytes);
    expect(await new HmacDigestSigner(Buffer.alloc(32, 7)).verify(bytes, other)).toBe(false);
  });

  it('rejects a truncated signature', async () => {
    const signer = new HmacDigestSigner(Buffer.alloc(32, 7));
    const signature = await signer.sign(bytes);
    expect(await signer.verify(bytes, { ...signature, signature: signature.signature.slice(0, 10) })).toBe(
      false,
    );
  });

  it('creates the key file with mode 0600 and reuses it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vb-digest-')), 'keys', 'ledger-digest.key');
    const first = await HmacDigestSigner.fromKeyFile(file);
    const second = await HmacDigestSigner.fromKeyFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await second.verify(bytes, await first.sign(bytes))).toBe(true);
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new HmacDigestSigner(Buffer.alloc(16))).toThrow(RangeError);
  });
});
