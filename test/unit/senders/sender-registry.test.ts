import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';
import {
  SecretSenderRegistry,
  senderSecretsLayout,
  sendersFileLayout,
} from '../../../shared/adapters/senders/sender-registry.js';
import { SecretNotFound, type SecretSource } from '../../../shared/ports/secret-source.js';

const TTL = 60_000;
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

describe('SecretSenderRegistry on the senders file', () => {
  let dir: string;
  let file: string;
  let now: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-senders-'));
    file = join(dir, 'senders.json');
    now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers from its last read while it re-reads in the background past half its time-to-live', async () => {
    // Prepare
    const [oldSecret, newSecret] = [secret(), secret()];
    await writeFile(file, sendersJson(oldSecret));
    const registry = new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file, TTL));
    await registry.get('acme');
    await writeFile(file, sendersJson(newSecret));
    now += TTL * 0.6;
    // Act
    const during = await registry.get('acme');
    // Assess
    expect(during?.secrets).toEqual([oldSecret]);
    await eventually(async () => (await registry.get('acme'))?.secrets[0] === newSecret);
  });

  it('reads again before answering once its time-to-live has passed, so a rotation is never missed', async () => {
    const newSecret = secret();
    await writeFile(file, sendersJson(secret()));
    const registry = new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file, TTL));
    await registry.get('acme');
    await writeFile(file, sendersJson(newSecret));
    now += TTL;

    expect((await registry.get('acme'))?.secrets).toEqual([newSecret]);
  });

  it('fails the request after a re-read finds the file invalid', async () => {
    await writeFile(file, sendersJson(secret()));
    const registry = new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file, TTL));
    await registry.get('acme');
    await writeFile(file, '{"senders": {"acme": {"secrets": ["not-a-secret"]}}}');
    now += TTL;

    const failure = registry.get('acme');
    await expect(failure).rejects.toMatchObject({ code: 'storage-unavailable' });
    await expect(failure).rejects.toHaveProperty('cause.message', expect.stringMatching(/whsec_/));
  });

  it('fails the first request when the file is missing, and reads again on the next', async () => {
    const registry = new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file, TTL));

    await expect(registry.get('acme')).rejects.toHaveProperty('cause', expect.any(SecretNotFound));
    const s = secret();
    await writeFile(file, sendersJson(s));

    expect((await registry.get('acme'))?.secrets).toEqual([s]);
    expect(await registry.get('nobody')).toBeUndefined();
  });
});

describe('SecretSenderRegistry on one secret per sender', () => {
  const acme = secret();
  const reads: string[] = [];
  const source: SecretSource = {
    read: async (name) => {
      reads.push(name);
      if (name === 'visitbridge/uk/senders/acme') return Buffer.from(JSON.stringify({ secrets: [acme] }));
      if (name === 'visitbridge/uk/senders/broken') throw new Error('throttled');
      throw new SecretNotFound(name);
    },
  };

  it("reads the sender's own secret once per time-to-live, and a missing secret is an unknown sender", async () => {
    const registry = new SecretSenderRegistry(source, senderSecretsLayout('visitbridge/uk/senders/'));

    expect((await registry.get('acme'))?.secrets).toEqual([acme]);
    expect((await registry.get('acme'))?.secrets).toEqual([acme]);
    expect(await registry.get('nobody')).toBeUndefined();
    expect(reads).toEqual(['visitbridge/uk/senders/acme', 'visitbridge/uk/senders/nobody']);
  });

  it('answers storage-unavailable when the source fails, never an unknown sender', async () => {
    const registry = new SecretSenderRegistry(source, senderSecretsLayout('visitbridge/uk/senders/'));

    await expect(registry.get('broken')).rejects.toMatchObject({ code: 'storage-unavailable' });
  });
});
