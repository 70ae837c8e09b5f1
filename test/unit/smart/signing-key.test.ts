import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportPKCS8 } from 'jose';
import {
  generateSigningKey,
  loadOrCreateSigningKey,
  publicJwks,
} from '../../../shared/adapters/smart/signing-key.js';
import { AppError } from '../../../shared/domain/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vb-smart-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateSigningKey', () => {
  it.each(['ES384', 'RS384'] as const)(
    'makes a %s key whose kid is the thumbprint of its public half',
    async (alg) => {
      const key = await generateSigningKey(alg);

      expect(key.alg).toBe(alg);
      expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
      expect(Object.keys(key.publicJwk).sort()).toEqual(
        alg === 'ES384' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'],
      );
    },
  );
});

describe('loadOrCreateSigningKey', () => {
  it('creates a PKCS8 PEM key file readable only by its owner', async () => {
    const file = join(dir, 'keys', 'smart.pem');

    await loadOrCreateSigningKey(file, 'ES384');

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('loads the same key on the next start', async () => {
    const file = join(dir, 'smart.pem');
    const first = await loadOrCreateSigningKey(file, 'RS384');

    const second = await loadOrCreateSigningKey(file, 'RS384');

    expect(second.kid).toBe(first.kid);
  });

  it('gives racing first starts one and the same key', async () => {
    const file = join(dir, 'smart.pem');

    const keys = await Promise.all([1, 2, 3].map(() => loadOrCreateSigningKey(file, 'ES384')));

    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it('refuses a file that holds a key for another algorithm', async () => {
    const file = join(dir, 'smart.pem');
    await writeFile(file, await exportPKCS8((await generateSigningKey('RS384')).privateKey));

    await expect(loadOrCreateSigningKey(file, 'ES384')).rejects.toThrow(AppError);
  });
});

describe('publicJwks', () => {
  it('publishes every key with kid, alg and use and no private member', async () => {
    const keys = [await generateSigningKey('ES384'), await generateSigningKey('RS384')];

    const jwks = publicJwks(keys);

    expect(jwks.keys.map((k) => [k.kid, k.alg, k.use])).toEqual(keys.map((k) => [k.kid, k.alg, 'sig']));
    expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });
});
