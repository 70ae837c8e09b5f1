import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SENDER_ID, localSettings } from '../../infra/local/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { testDynamoEndpoint } from '../helpers/dynamo.js';
import { signedHeaders } from '../helpers/signing.js';

/** Every folder and file under `dir` (itself included) with its permission bits. */
async function modesUnder(dir: string): Promise<Array<{ path: string; kind: string; mode: number }>> {
  const found = [{ path: dir, kind: 'folder', mode: (await stat(dir)).mode & 0o777 }];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await modesUnder(path)));
    else found.push({ path, kind: 'file', mode: (await stat(path)).mode & 0o777 });
  }
  return found;
}

describe('the data folder of a fresh local stack', () => {
  let root: string;
  let dataDir: string;
  let stack: LocalStack;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vb-datadir-'));
    dataDir = join(root, 'never-created', 'data');
    stack = await startLocalStack({
      settings: localSettings({ PORT: '0', VISITBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'WARN' }),
      dynamoEndpoint: testDynamoEndpoint(),
      tableSuffix: `-${randomUUID().slice(0, 8)}`,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('holds keys, senders and stream checkpoints in files 0600, digests read-only 0400, folders 0700', async () => {
    // Prepare: a note, delivered, so every kind of file has been written.
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'modes-1' }));
    const response = await fetch(`${stack.url}/uk/v1/webhooks/${DEMO_SENDER_ID}`, {
      method: 'POST',
      headers: signedHeaders({ secret: stack.demoSecret.value, body }),
      body,
    });
    await stack.idle();

    // Act
    const modes = await modesUnder(dataDir);

    // Assess
    expect(response.status).toBe(202);
    expect(modes.map((m) => m.path)).toEqual(
      expect.arrayContaining([
        join(dataDir, 'senders.json'),
        join(dataDir, 'keys', 'uk.wrapping.key'),
        join(dataDir, 'keys', 'dev-issuer.pem'),
        expect.stringMatching(/streams\/.+\.json$/),
        join(dataDir, 'anchor', 'uk', 'ledger', '000000000001.json'),
      ]),
    );
    const digest = (path: string) => path.startsWith(join(dataDir, 'anchor'));
    const wanted = (m: { kind: string; path: string }) =>
      m.kind === 'folder' ? 0o700 : digest(m.path) ? 0o400 : 0o600;
    const wrong = modes.filter((m) => m.mode !== wanted(m));
    expect(wrong).toEqual([]);
  });
});
