import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportPKCS8 } from 'jose';
import { loadSmartKeys } from '../../../functions/deliver/smart-keys.js';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';
import {
  generateSigningKey,
  publicJwks,
  type SigningAlg,
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

describe('loadSmartKeys from key files', () => {
  const both = new Set<SigningAlg>(['ES384', 'RS384']);
  const files = new FileSecretSource();

  it('creates one JSON file of PKCS8 PEM keys, one per algorithm, readable only by its owner', async () => {
    const file = join(dir, 'keys', 'uk.smart-client.json');

    const keys = await loadSmartKeys(both, files, file);

    expect([...keys.keys()].sort()).toEqual(['ES384', 'RS384']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.ES384).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(stored.RS384).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('loads the same keys on the next start', async () => {
    const file = join(dir, 'smart.json');
    const first = await loadSmartKeys(both, files, file);

    const second = await loadSmartKeys(both, files, file);

    expect(second.get('RS384')?.kid).toBe(first.get('RS384')?.kid);
  });

  it('gives racing first starts one and the same key', async () => {
    const file = join(dir, 'smart.json');

    const all = await Promise.all([1, 2, 3].map(() => loadSmartKeys(new Set(['ES384']), files, file)));

    expect(new Set(all.map((k) => k.get('ES384')?.kid)).size).toBe(1);
  });

  it('refuses a file without a key for an algorithm a target needs, naming it', async () => {
    const file = join(dir, 'smart.json');
    await loadSmartKeys(new Set(['ES384']), files, file);

    await expect(loadSmartKeys(both, files, file)).rejects.toThrow(/no RS384 key/);
  });

  it('refuses a key of another algorithm', async () => {
    const file = join(dir, 'smart.json');
    await writeFile(
      file,
      JSON.stringify({ ES384: await exportPKCS8((await generateSigningKey('RS384')).privateKey) }),
    );

    await expect(loadSmartKeys(new Set(['ES384']), files, file)).rejects.toThrow(AppError);
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
