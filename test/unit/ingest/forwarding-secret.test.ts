import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadForwardingSecrets } from '../../../functions/ingest/forwarding-secret.js';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';

describe('loadForwardingSecrets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-fwd-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('creates a whsec_ secret file with mode 0600 on first use', async () => {
    // Prepare
    const file = join(dir, 'keys', 'forwarding.secret');
    // Act
    const secrets = await loadForwardingSecrets(new FileSecretSource(), file);
    // Assess
    expect(secrets).toEqual([expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/)]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(secrets[0]);
  });

  it('gives every cell starting at once the same secret', async () => {
    // Prepare
    const file = join(dir, 'forwarding.secret');
    // Act
    const all = await Promise.all(
      Array.from({ length: 8 }, () => loadForwardingSecrets(new FileSecretSource(), file)),
    );
    // Assess
    expect(new Set(all.map((s) => s[0])).size).toBe(1);
  });

  it('reads several secrets for a rotation, the first one signing', async () => {
    // Prepare
    const file = join(dir, 'forwarding.secret');
    const next = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const old = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    await writeFile(file, `${next}\n${old}\n`);
    // Act
    const secrets = await loadForwardingSecrets(new FileSecretSource(), file);
    // Assess
    expect(secrets).toEqual([next, old]);
  });

  it('refuses a file that holds no whsec_ secret', async () => {
    // Prepare
    const file = join(dir, 'forwarding.secret');
    await writeFile(file, 'not-a-secret\n');
    // Act
    const outcome = loadForwardingSecrets(new FileSecretSource(), file);
    // Assess
    await expect(outcome).rejects.toThrow(/whsec_/);
  });
});
