import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';
import { SecretSenderRegistry, sendersFileLayout } from '../../../shared/adapters/senders/sender-registry.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('sender registries check callback URLs as they load a sender', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-senders-'));
    file = join(dir, 'senders.json');
    const senders = {
      public: { secrets: [SECRET], callbackUrl: 'https://hooks.example.com/cb' },
      metadata: { secrets: [SECRET], callbackUrl: 'https://169.254.169.254/latest' },
      loopback: { secrets: [SECRET], callbackUrl: 'http://127.0.0.1:4010/cb' },
    };
    await writeFile(file, JSON.stringify({ senders }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps an acceptable callback URL', async () => {
    const sender = await new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file)).get(
      'public',
    );

    expect(sender).toMatchObject({ callbackUrl: 'https://hooks.example.com/cb' });
    expect(sender?.callbackRefused).toBeUndefined();
  });

  it('drops a refused URL and says why, keeping the sender usable', async () => {
    const sender = await new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file)).get(
      'metadata',
    );

    expect(sender?.callbackUrl).toBeUndefined();
    expect(sender).toMatchObject({
      id: 'metadata',
      secrets: [SECRET],
      callbackRefused: 'link-local-destination',
    });
  });

  it('allows loopback http only under the local stack rules', async () => {
    const strict = await new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file)).get(
      'loopback',
    );
    const local = await new SecretSenderRegistry(new FileSecretSource(), sendersFileLayout(file), {
      allowLoopbackHttp: true,
    }).get('loopback');

    expect(strict?.callbackRefused).toBe('loopback-destination');
    expect(local?.callbackUrl).toBe('http://127.0.0.1:4010/cb');
  });
});
