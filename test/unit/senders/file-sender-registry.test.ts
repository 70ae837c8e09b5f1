import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSenderRegistry } from '../../../shared/adapters/senders/file-sender-registry.js';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const sendersJson = (s: string) => JSON.stringify({ senders: { acme: { secrets: [s] } } });

/** Asks until `check` holds (the registry re-reads in the background); fails after 100 tries. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}

describe('FileSenderRegistry', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-senders-'));
    file = join(dir, 'senders.json');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('answers from the last read while it re-reads a rotated file, then with the new secret', async () => {
    // Prepare
    const [oldSecret, newSecret] = [secret(), secret()];
    await writeFile(file, sendersJson(oldSecret));
    const registry = new FileSenderRegistry(file, 0);
    await registry.get('acme');
    await writeFile(file, sendersJson(newSecret));
    // Act
    const during = await registry.get('acme');
    // Assess
    expect(during?.secrets).toEqual([oldSecret]);
    await eventually(async () => (await registry.get('acme'))?.secrets[0] === newSecret);
  });

  it('fails a request once a re-read finds the file invalid', async () => {
    await writeFile(file, sendersJson(secret()));
    const registry = new FileSenderRegistry(file, 0);
    await registry.get('acme');
    await writeFile(file, '{"senders": {"acme": {"secrets": ["not-a-secret"]}}}');

    await expect(
      eventually(async () => {
        await registry.get('acme');
        return false;
      }),
    ).rejects.toThrow(/whsec_/);
  });

  it('fails the first request when the file is missing, and reads again on the next', async () => {
    const registry = new FileSenderRegistry(file, 60_000);

    await expect(registry.get('acme')).rejects.toThrow(/ENOENT/);
    const s = secret();
    await writeFile(file, sendersJson(s));

    expect((await registry.get('acme'))?.secrets).toEqual([s]);
    expect(await registry.get('nobody')).toBeUndefined();
  });
});
