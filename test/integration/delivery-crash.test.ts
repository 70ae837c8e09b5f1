import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CrashPoint } from '../../functions/deliver/crash.js';
import { buildDeliverHandler } from '../../functions/deliver/deps.js';
import { DELIVERY_LANES, type DeliveryLane, inLane } from '../../functions/deliver/handler-factory.js';
import { loadSmartKeys } from '../../functions/deliver/smart-keys.js';
import { startSandboxEhr } from '../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../infra/local/ehr/types.js';
import { DEFAULT_POLICY_FILE } from '../../infra/local/settings.js';
import type { StreamPoller } from '../../infra/local/stream/types.js';
import { startStreamPoller } from '../../infra/local/stream-poller.js';
import { localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { LOCAL_CREDENTIALS } from '../../shared/adapters/dynamodb/client.js';
import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { patientKeyTableName } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { FileSecretSource } from '../../shared/adapters/fs/file-secret-source.js';
import { publicJwks } from '../../shared/adapters/smart/signing-key.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import {
  createTestTable,
  scanAll,
  testDynamoClient,
  testDynamoEndpoint,
  testEncryptor,
} from '../helpers/dynamo.js';
import { ehrReader, eventually } from '../helpers/ehr-reader.js';

/**
 * The crash run: notes of the US cell go to a domestic Epic-like EHR (no
 * conditional create) and, across the border, to a generic FHIR EHR in the UK,
 * some amended right behind their first version. The worker is killed at every
 * point of every step (after the read, after the egress decision, after each EHR
 * call, before and after the commit; callbacks after the read, the send and the
 * commit): the first time each note reaches a point, the step throws there and
 * the stream retries it. Afterwards every note is delivered once, every
 * cross-border delivery has exactly one egress entry, and every delivered note's
 * callback arrived with the same webhook-id on every try.
 */
const SENDER = 'crash-sender';
const NOTES = 8;
const CELL = 'us';

interface Planned {
  noteId: string;
  version: number;
  crossBorder: boolean;
}

describe('delivery steps killed at every crash point', () => {
  const ddb = testDynamoClient();
  const streams = new DynamoDBStreamsClient({
    region: 'local',
    endpoint: testDynamoEndpoint(),
    credentials: LOCAL_CREDENTIALS,
  });
  const ehrs = new Map<string, SandboxEhr>();
  const pollers: StreamPoller[] = [];
  const callbacks = new Map<string, { ids: Set<string>; tries: number; accepted: number }>();
  const crashes = new Map<CrashPoint, number>();
  let receiver: Server;
  let dataDir: string;
  let tableName: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vb-crash-'));
    tableName = await createTestTable(ddb, 'crash');
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { data } = JSON.parse(Buffer.concat(chunks).toString()) as {
          data: { noteId: string; version: number };
        };
        const key = `${data.noteId}@${data.version}`;
        const seen = callbacks.get(key) ?? { ids: new Set<string>(), tries: 0, accepted: 0 };
        seen.ids.add(String(req.headers['webhook-id']));
        seen.tries += 1;
        // The first try of every callback fails: the retry must carry the same webhook-id.
        const ok = seen.tries > 1;
        if (ok) seen.accepted += 1;
        callbacks.set(key, seen);
        res.writeHead(ok ? 204 : 503).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    await Promise.all([...ehrs.values()].map((e) => e.stop()));
    await new Promise((r) => receiver.close(r));
    streams.destroy();
    ddb.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every note once, with one egress entry per cross-border delivery and its callback', async () => {
    // Prepare: a policy where one US organization's EHR is in the UK (a treatment disclosure).
    const policy = JSON.parse(await readFile(DEFAULT_POLICY_FILE, 'utf8'));
    policy.organizations.push({
      id: 'us-abroad',
      name: 'US clinic, UK EHR',
      country: 'US',
      ehrTarget: 'uk-ehr',
    });
    const policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify(policy));
    for (const [id, profile] of [
      ['uk-ehr', 'generic-fhir'],
      ['us-ehr', 'epic-like'],
    ] as const) {
      ehrs.set(id, await startSandboxEhr({ profile, name: id }));
    }
    const smartKeysFile = join(dataDir, 'keys', 'us.smart-client.json');
    const keys = [
      ...(await loadSmartKeys(new Set(['ES384', 'RS384']), new FileSecretSource(), smartKeysFile)).values(),
    ];
    for (const ehr of ehrs.values()) {
      for (const clientId of ['visitbridge-uk', 'visitbridge-us'])
        ehr.registerClient({ clientId, jwks: publicJwks(keys) });
    }
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const sendersFile = join(dataDir, 'senders.json');
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
    await writeFile(
      sendersFile,
      JSON.stringify({ senders: { [SENDER]: { secrets: [secret], callbackUrl } } }),
    );
    const keyFile = join(dataDir, 'keys', 'us.wrapping.key');
    const env = {
      CELL_ID: CELL,
      TABLE_NAME: tableName,
      PATIENT_KEY_TABLE: patientKeyTableName(tableName),
      POLICY_FILE: policyFile,
      LOCAL_KEY_FILE: keyFile,
      PSEUDONYM_KEY_FILE: join(dataDir, 'keys', 'us.pseudonym.key'),
      PUBLIC_BASE_URL: 'http://127.0.0.1:1/us/',
      CELL_ENDPOINTS: JSON.stringify({ us: 'http://127.0.0.1:1/us/' }),
      DYNAMODB_ENDPOINT: testDynamoEndpoint(),
      AWS_REGION: 'us-east-1',
      SMART_KEY_FILE: smartKeysFile,
      SENDERS_FILE: sendersFile,
      EHR_ENDPOINTS: JSON.stringify(
        Object.fromEntries([...ehrs].map(([id, e]) => [id, { baseUrl: e.baseUrl, tokenUrl: e.tokenUrl }])),
      ),
      CALLBACK_ALLOW_LOOPBACK_HTTP: 'true',
      DELIVERY_BASE_BACKOFF_MS: '20',
      DELIVERY_MAX_BACKOFF_MS: '200',
      LOG_LEVEL: 'SILENT',
    };
    const reached = new Set<string>();
    const handler = await buildDeliverHandler(env, (point, key, detail) => {
      const id = `${key.noteId}@${key.version}:${point}:${detail ?? ''}`;
      if (reached.has(id)) return;
      reached.add(id);
      crashes.set(point, (crashes.get(point) ?? 0) + 1);
      throw new Error(`killed at ${point}`);
    });
    for (const lane of Object.keys(DELIVERY_LANES) as DeliveryLane[]) {
      pollers.push(
        await startStreamPoller({
          client: streams,
          dynamo: ddb,
          tableName,
          handler,
          functionName: `crash-${lane}`,
          filter: inLane(lane),
          batchSize: 25,
          maxRetries: 100,
          retryDelayMs: 1,
          pollIntervalMs: 50,
          onError: () => undefined,
        }),
      );
    }

    // Act: the notes are accepted as ingest stores them (ciphertext, outbox item, webhook-id record).
    const { keyring, keyId } = await localKeyring(CELL, new FileSecretSource(), keyFile);
    const { encryptor } = await testEncryptor(ddb, tableName, { id: CELL, keyring, keyId });
    const store = new DynamoNoteStore(ddb, tableName);
    const planned: Planned[] = [];
    for (let i = 0; i < NOTES; i++) {
      const crossBorder = i % 2 === 1;
      const noteId = `crash-${randomUUID().slice(0, 6)}-${i}`;
      planned.push({ noteId, version: 1, crossBorder });
      if (i % 4 < 2) planned.push({ noteId, version: 2, crossBorder });
    }
    for (const note of planned) {
      const tenant = note.crossBorder ? 'us-abroad' : 'mercy-health';
      const patient = { ...fixturePatients.us, organization: tenant };
      const event = noteEvent({ patient, noteId: note.noteId, version: note.version });
      const binding = {
        cell: CELL,
        tenant,
        senderId: SENDER,
        noteId: note.noteId,
        version: note.version,
        patientRef: 'patient-grace',
      };
      const sealed = await encryptor.encrypt(event, binding);
      const receivedAt = new Date().toISOString();
      const outcome = await store.accept({
        record: {
          senderId: SENDER,
          noteId: note.noteId,
          version: note.version,
          eventKind: note.version > 1 ? 'amended' : 'finalized',
          tenant,
          cell: CELL,
          contentHash: createHash('sha256').update(JSON.stringify(event)).digest('hex'),
          patientRef: 'patient-grace',
          encounterRef: `visit-${note.noteId}`,
          ehrTarget: note.crossBorder ? 'uk-ehr' : 'us-ehr',
          loincType: event.note.loincType,
          ciphertext: sealed.ciphertext,
          keyId: sealed.keyId,
          patientKeyId: sealed.patientKeyId,
          webhookId: `msg_${note.noteId}_${note.version}`,
          receipt: {
            noteId: note.noteId,
            version: note.version,
            cell: CELL,
            receivedAt,
            deliveryStatusUrl: 'x',
          },
        },
        bodyHash: 'h',
        ledgerEntries: [],
      });
      expect(outcome.status).toBe('accepted');
    }

    // Assess: every note delivered, then its callback delivered.
    const outbox = new DynamoOutbox(ddb, tableName);
    const key = (n: Planned) => ({
      senderId: SENDER,
      noteId: n.noteId,
      version: n.version,
      eventKind: n.version > 1 ? ('amended' as const) : ('finalized' as const),
    });
    await eventually(
      async () => {
        const states = await Promise.all(planned.map(async (n) => (await outbox.get(key(n)))?.state));
        return states.every((s) => s === 'delivered') ? true : undefined;
      },
      300_000,
      'every note delivered',
    );
    await eventually(
      async () =>
        planned.every((n) => (callbacks.get(`${n.noteId}@${n.version}`)?.accepted ?? 0) >= 1)
          ? true
          : undefined,
      120_000,
      'every callback accepted',
    );
    const rows = (await scanAll(ddb, tableName)).map((r) => unmarshall(r));
    const egress = rows.filter((r) => String(r.pk).startsWith('LEDGER#') && r.kind === 'egress');
    const egressOf = (n: Planned) =>
      egress.filter((e) => e.noteId === n.noteId && e.noteVersion === n.version);
    const readers = new Map(
      await Promise.all([...ehrs].map(async ([id, e]) => [id, await ehrReader(e)] as const)),
    );
    let duplicates = 0;
    for (const noteId of new Set(planned.map((n) => n.noteId))) {
      const versions = planned.filter((n) => n.noteId === noteId);
      const ehr = readers.get(versions[0]?.crossBorder ? 'uk-ehr' : 'us-ehr');
      const docs = (await ehr?.documentsOf(SENDER, noteId)) ?? [];
      duplicates += Math.abs(docs.length - versions.length);
    }

    for (const point of [
      'after-read',
      'after-egress',
      'after-ehr-call',
      'before-commit',
      'after-commit',
    ] as const) {
      expect([point, crashes.get(point)]).toEqual([point, expect.any(Number)]);
    }
    for (const point of ['callback-after-read', 'callback-after-send', 'callback-after-commit'] as const) {
      expect([point, crashes.get(point)]).toEqual([point, expect.any(Number)]);
    }
    expect(duplicates).toBe(0);
    expect(planned.map((n) => [n.noteId, n.version, egressOf(n).length])).toEqual(
      planned.map((n) => [n.noteId, n.version, n.crossBorder ? 1 : 0]),
    );
    expect(egress.every((e) => e.decision === 'allowed')).toBe(true);
    expect(planned.map((n) => callbacks.get(`${n.noteId}@${n.version}`)?.ids.size)).toEqual(
      planned.map(() => 1),
    );
  }, 480_000);
});
