import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDigestSigner } from '../../../shared/adapters/crypto/digest-local.js';
import { canonicalJson } from '../../../shared/domain/ledger/canonical.js';
import {
  digestBody,
  digestHash,
  digestSignatureValid,
  digestSigningBytes,
  publicKeyFingerprint,
} from '../../../shared/domain/seal/digest.js';
import { signDigest } from '../../helpers/digests.js';
import { freshDigestSigner } from '../../helpers/sealed-cell.js';

const heads = [
  { shard: 0, seq: 2, hash: 'a'.repeat(64) },
  { shard: 1, seq: 0, hash: '0'.repeat(64) },
];

describe('digest signing bytes and hash', () => {
  it('sign the canonical JSON of every field but the signature', async () => {
    const digest = await signDigest(freshDigestSigner(), { shards: heads });
    const { signature: _, ...unsigned } = digest;
    const bytes = new TextDecoder().decode(digestSigningBytes(digest));
    expect(bytes).toBe(canonicalJson(unsigned));
    expect(digestSigningBytes(unsigned)).toEqual(digestSigningBytes(digest));
    expect(bytes).not.toContain(digest.signature);
  });

  it('do not depend on the order fields were written in', async () => {
    const digest = await signDigest(freshDigestSigner(), { shards: heads });
    const reversed = Object.fromEntries(Object.entries(digest).reverse()) as typeof digest;
    expect(digestSigningBytes(reversed)).toEqual(digestSigningBytes(digest));
    expect(digestHash(reversed)).toBe(digestHash(digest));
  });

  it('hash the whole stored digest, signature included', async () => {
    const digest = await signDigest(freshDigestSigner(), { shards: heads });
    expect(digestHash(digest)).toBe(createHash('sha256').update(digestBody(digest)).digest('hex'));
    expect(digestHash({ ...digest, signature: `${digest.signature}A` })).not.toBe(digestHash(digest));
  });
});

describe('LocalDigestSigner', () => {
  it('makes signatures that verify with its public key and name it by fingerprint', async () => {
    const signer = freshDigestSigner();
    const digest = await signDigest(signer, { shards: heads });
    const pem = await signer.publicKeyPem();
    expect(digestSignatureValid(digest, pem)).toBe(true);
    expect(signer.keyId).toBe(`local:${publicKeyFingerprint(pem)}`);
  });

  it('makes signatures that fail with another key, or once any signed field changes', async () => {
    const signer = freshDigestSigner();
    const digest = await signDigest(signer, { shards: heads });
    const pem = await signer.publicKeyPem();
    expect(digestSignatureValid(digest, await freshDigestSigner().publicKeyPem())).toBe(false);
    expect(digestSignatureValid({ ...digest, seq: 2 }, pem)).toBe(false);
    expect(digestSignatureValid({ ...digest, shards: [heads[0] as never] }, pem)).toBe(false);
    expect(digestSignatureValid({ ...digest, signature: 'not base64 DER' }, pem)).toBe(false);
    expect(digestSignatureValid(digest, 'not a key')).toBe(false);
  });

  it('refuses a key that is not EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(() => new LocalDigestSigner(rsa)).toThrow(RangeError);
    expect(() => new LocalDigestSigner(p384)).toThrow(RangeError);
  });

  it('creates its key file once, private to its owner, even when started concurrently', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vb-key-')), 'keys', 'digest.pem');
    const signers = await Promise.all(Array.from({ length: 5 }, () => LocalDigestSigner.fromKeyFile(path)));
    expect(new Set(signers.map((s) => s.keyId)).size).toBe(1);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await LocalDigestSigner.fromKeyFile(path)).keyId).toBe(signers[0]?.keyId);
  });
});
