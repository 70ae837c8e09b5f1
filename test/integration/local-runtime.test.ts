import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeFixedPort } from '../../infra/local/dynamodb-local.js';
import { readDemoSecret } from '../../infra/local/senders.js';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { FileDigestAnchor } from '../../shared/adapters/fs/file-digest-anchor.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { ChildStack } from '../helpers/child-stack.js';
import { eventually } from '../helpers/ehr-reader.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders, signWebhook } from '../helpers/signing.js';

const javaProcessesFor = (dir: string): string => {
  try {
    return execFileSync('pgrep', ['-af', `dbPath ${dir}`], { encoding: 'utf8' });
  } catch {
    return '';
  }
};

describe('the local runtime as npm start runs it', () => {
  let dataDir: string;
  let child: ChildStack;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vb-runtime-'));
    child = new ChildStack({
      PORT: String(await freeFixedPort()),
      VISITBRIDGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'ERROR',
    });
  });
  afterAll(async () => {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps notes and keys across a clean restart and leaves no DynamoDB Local behind', async () => {
    // Prepare: first start, one note.
    const health = (await child.start()) as {
      cells: Record<string, { ehrTargets: Array<{ baseUrl: string }> }>;
    };
    expect(Object.keys(health.cells)).toEqual(['uk', 'eu', 'us', 'ca', 'au']);
    expect(health.cells.uk?.ehrTargets[0]?.baseUrl).toMatch(/\/fhir\/R4$/);
    const secret = (await readDemoSecret(join(dataDir, 'senders.json'))) ?? '';
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'restart-1' }));
    const headers = signedHeaders({ secret, body, id: 'msg_restart_1' });
    const post = () =>
      fetch(`${child.url}/uk/v1/webhooks/${DEMO_SENDER_ID}`, { method: 'POST', headers, body });
    const first = await post();
    const receipt = await first.json();
    const keyFile = join(dataDir, 'keys', 'uk.wrapping.key');
    const key = await readFile(keyFile);

    // Act: Ctrl-C (SIGTERM), then start again on the same data folder.
    expect(await child.stop()).toBe(0);
    expect(javaProcessesFor(dataDir)).toBe('');
    await child.start();
    const again = await post();

    // Assess: the note survived (same receipt), the key was reused, still mode 0600.
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(receipt);
    expect((await readFile(keyFile)).equals(key)).toBe(true);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
  }, 120_000);
});

describe('the local runtime in process', () => {
  let stack: TestStack;
  let callbacks: Server;
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let failNext = 1;

  beforeAll(async () => {
    callbacks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(failNext-- > 0 ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => callbacks.listen(0, '127.0.0.1', r));
    stack = await startTestStack({ VISITBRIDGE_SCHEDULE_INTERVAL_MS: '1000' });
    const secret = stack.demoSecret.value;
    const callbackUrl = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/visitbridge`;
    await writeFile(
      stack.sendersFile,
      JSON.stringify({ senders: { [DEMO_SENDER_ID]: { secrets: [secret], callbackUrl } } }),
    );
  });
  afterAll(async () => {
    await stack.dispose();
    await new Promise((r) => callbacks.close(r));
  });

  it('serves each cell SMART client public keys as a JWKS, without private members', async () => {
    const response = await fetch(`${stack.url}/uk/.well-known/jwks.json`);
    const jwks = await response.json();

    expect(response.status).toBe(200);
    expect(jwks.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES384', 'RS384']);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"|"p"|"q"/);
  });

  it('seals the ledger and the audit log at start-up, outside the table', async () => {
    const anchor = new FileDigestAnchor(join(stack.dataDir, 'anchor'), 'eu');

    const [ledger, audit] = await Promise.all([anchor.list('ledger'), anchor.list('audit')]);

    expect(ledger[0]?.name).toBe('000000000001.json');
    expect(JSON.parse(ledger[0]?.body ?? '{}')).toMatchObject({
      chain: 'ledger',
      cell: 'eu',
      seq: 1,
      alg: 'ECDSA_SHA_256',
    });
    expect(audit[0]?.name).toBe('000000000001.json');
  });

  it('tells the sender by a signed callback, retried after a failure, when the note is delivered', async () => {
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.ca, noteId: 'callback-1' }));
    await stack.post(
      'ca',
      `/v1/webhooks/${DEMO_SENDER_ID}`,
      body,
      signedHeaders({ secret: stack.demoSecret.value, body }),
    );

    const callback = await eventually(
      async () => (received.length >= 2 ? received[1] : undefined),
      30_000,
      'callbacks',
    );

    const payload = JSON.parse(callback.body);
    expect(payload).toMatchObject({
      type: 'visit.note.delivered',
      data: { noteId: 'callback-1', version: 1, cell: 'ca' },
    });
    expect(payload.data.ehrResource).toMatch(/^DocumentReference\//);
    const id = String(callback.headers['webhook-id']);
    const ts = Number(callback.headers['webhook-timestamp']);
    expect(callback.headers['webhook-signature']).toBe(
      signWebhook(stack.demoSecret.value, id, ts, callback.body),
    );
    expect(received[0]?.headers['webhook-id']).toBe(id);
    expect(callback.body).not.toContain(fixturePatients.ca.name.family);
  });
});
