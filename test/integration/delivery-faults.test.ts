import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DocumentReference } from '@medplum/fhirtypes';
import { loadSmartKeys } from '../../functions/deliver/smart-keys.js';
import { freeFixedPort } from '../../infra/local/dynamodb-local.js';
import { startSandboxEhr } from '../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../infra/local/ehr/types.js';
import { readDemoSecret } from '../../infra/local/senders.js';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { LOCAL_CREDENTIALS } from '../../shared/adapters/dynamodb/client.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { FileSecretSource } from '../../shared/adapters/fs/file-secret-source.js';
import { publicJwks } from '../../shared/adapters/smart/signing-key.js';
import { type FixturePatient, fixturePatients, noteEvent } from '../fixtures/notes.js';
import { ChildStack } from '../helpers/child-stack.js';
import { testDynamoEndpoint } from '../helpers/dynamo.js';
import { ehrReader, eventually } from '../helpers/ehr-reader.js';
import { signedHeaders } from '../helpers/signing.js';

/**
 * The fault run: 500 notes (finalizations and amendments) into a generic-FHIR and
 * an Epic-like EHR that inject 5xx, 429 with Retry-After, timeouts after commit
 * and connection resets after commit, while the local runtime is killed (SIGKILL)
 * and restarted twice mid-run. The EHRs and DynamoDB run outside the runtime, so
 * they outlive it, as a real EHR and DynamoDB would. Afterwards every note is in its EHR exactly
 * once, amendments after the version they replace, and nothing is parked.
 */
const NOTES = 500;
const SENDERS = 8;

interface PlannedNote {
  cell: 'uk' | 'us';
  patient: FixturePatient;
  noteId: string;
  version: number;
}

function plan(): PlannedNote[] {
  const notes: PlannedNote[] = [];
  const run = randomUUID().slice(0, 6);
  for (let i = 0; notes.length < NOTES; i++) {
    const cell = i % 2 === 0 ? 'uk' : 'us';
    const patient = cell === 'uk' ? fixturePatients.uk : fixturePatients.us;
    const noteId = `fault-${run}-${i}`;
    notes.push({ cell, patient, noteId, version: 1 });
    // Every fourth note is amended, posted right behind its first version.
    if (i % 4 === 0 && notes.length < NOTES) notes.push({ cell, patient, noteId, version: 2 });
  }
  return notes;
}

describe('delivery under EHR faults and runtime crashes', () => {
  const ehrs = new Map<string, SandboxEhr>();
  let child: ChildStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vb-faults-'));
    for (const [id, profile] of [
      ['uk-ehr', 'generic-fhir'],
      ['us-ehr', 'epic-like'],
    ] as const) {
      const ehr = await startSandboxEhr({ profile, name: id });
      ehr.setFaults({
        seed: 20261125,
        rules: [
          { kind: 'status', status: 503, when: 'before', probability: 0.04 },
          { kind: 'status', status: 500, when: 'after-commit', methods: ['POST'], probability: 0.03 },
          { kind: 'rate-limit', retryAfterSeconds: 1, probability: 0.03 },
          { kind: 'delay', delayMs: 1500, when: 'after-commit', methods: ['POST'], probability: 0.02 },
          { kind: 'reset', when: 'after-commit', methods: ['POST'], probability: 0.03 },
        ],
      });
      ehrs.set(id, ehr);
    }
    // The runtime's SMART keys, made before its first start so the EHRs can register them.
    const smartKeys = (cell: string) =>
      loadSmartKeys(
        new Set(['ES384', 'RS384']),
        new FileSecretSource(),
        join(dataDir, 'keys', `${cell}.smart-client.json`),
      );
    const keys = [...(await smartKeys('uk')).values(), ...(await smartKeys('us')).values()];
    ehrs.get('uk-ehr')?.registerClient({ clientId: 'visitbridge-uk', jwks: publicJwks(keys) });
    ehrs.get('us-ehr')?.registerClient({ clientId: 'visitbridge-us', jwks: publicJwks(keys) });
    const endpoints = Object.fromEntries(
      [...ehrs].map(([id, e]) => [id, { baseUrl: e.baseUrl, tokenUrl: e.tokenUrl }]),
    );
    child = new ChildStack({
      PORT: String(await freeFixedPort()),
      VISITBRIDGE_DATA_DIR: dataDir,
      VISITBRIDGE_EHR_ENDPOINTS: JSON.stringify(endpoints),
      VISITBRIDGE_EHR_TIMEOUT_MS: '1000',
      // The database outlives the runtime, as DynamoDB does in AWS: only the runtime crashes.
      VISITBRIDGE_DYNAMODB_ENDPOINT: testDynamoEndpoint(),
      VISITBRIDGE_TABLE_SUFFIX: `-faults-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'ERROR',
    });
    await child.start();
  }, 120_000);

  afterAll(async () => {
    await child?.stop();
    await Promise.all([...ehrs.values()].map((e) => e.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lands every note exactly once, in order, with nothing parked', async () => {
    const notes = plan();
    const secret = (await readDemoSecret(join(dataDir, 'senders.json'))) ?? '';
    let next = 0;
    let crashes = 0;
    let retriedPosts = 0;

    // A sender retries the same message (same webhook-id and body, fresh signature) until it is acknowledged.
    const send = async (note: PlannedNote) => {
      const event = noteEvent({
        patient: note.patient,
        noteId: note.noteId,
        version: note.version,
        at: new Date('2026-11-25T10:00:00Z'),
      });
      const body = JSON.stringify(event);
      const id = `msg_${note.noteId}_v${note.version}`;
      for (;;) {
        const response = await fetch(`${child.url}/${note.cell}/v1/webhooks/${DEMO_SENDER_ID}`, {
          method: 'POST',
          headers: signedHeaders({ secret, body, id }),
          body,
        }).catch(() => undefined);
        if (response && (response.status === 200 || response.status === 202)) return;
        if (response && response.status < 500)
          throw new Error(`refused: ${response.status} ${await response.text()}`);
        retriedPosts++;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const sender = async () => {
      for (;;) {
        const i = next++;
        const note = notes[i];
        if (!note) return;
        await send(note);
      }
    };
    const crasher = async () => {
      for (const at of [Math.floor(NOTES / 3), Math.floor((2 * NOTES) / 3)]) {
        await eventually(async () => (next >= at ? true : undefined), 300_000, `note ${at}`);
        await child.kill();
        crashes++;
        await child.start();
      }
    };
    await Promise.all([crasher(), ...Array.from({ length: SENDERS }, sender)]);

    // Every outbox item reaches a final state.
    const health = (await (await fetch(`${child.url}/healthz`)).json()) as {
      dynamodb: { endpoint: string };
      cells: Record<string, { table: string }>;
    };
    const ddb = new DynamoDBClient({
      region: 'local',
      endpoint: health.dynamodb.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const outboxes = {
      uk: new DynamoOutbox(ddb, health.cells.uk?.table ?? ''),
      us: new DynamoOutbox(ddb, health.cells.us?.table ?? ''),
    };
    const states = new Map<string, string>();
    const histogram = () => {
      const counts: Record<string, number> = {};
      for (const value of states.values()) counts[value] = (counts[value] ?? 0) + 1;
      return JSON.stringify(counts);
    };
    await eventually(
      async () => {
        for (const note of notes) {
          const key = `${note.noteId}@${note.version}`;
          if (states.get(key) === 'delivered') continue;
          const item = await outboxes[note.cell].get({
            senderId: DEMO_SENDER_ID,
            noteId: note.noteId,
            version: note.version,
            eventKind: note.version > 1 ? 'amended' : 'finalized',
          });
          states.set(key, item?.state ?? 'missing');
        }
        return [...states.values()].every((s) => s === 'delivered' || s === 'parked') ? true : undefined;
      },
      420_000,
      'every note delivered',
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; outbox states ${histogram()}; runtime output: ${child.logs().slice(-1500)}`,
      );
    });

    // Over FHIR: exactly one DocumentReference per version, amendments replacing their predecessor.
    const readers = {
      uk: await ehrReader(ehrs.get('uk-ehr') as SandboxEhr),
      us: await ehrReader(ehrs.get('us-ehr') as SandboxEhr),
    };
    for (const ehr of ehrs.values()) ehr.resetFaults();
    let duplicates = 0;
    let outOfOrder = 0;
    const noteIds = new Map(notes.map((n) => [n.noteId, n]));
    for (const [noteId, note] of noteIds) {
      const docs = await readers[note.cell].documentsOf(DEMO_SENDER_ID, noteId);
      const versions = notes.filter((n) => n.noteId === noteId).length;
      if (docs.length !== versions) duplicates += Math.abs(docs.length - versions);
      if (versions === 2) {
        const byVersion = (v: number) =>
          docs.find((d) => d.identifier?.some((i) => i.value === `${noteId}:v${v}`)) as DocumentReference;
        const [v1, v2] = [byVersion(1), byVersion(2)];
        const replaces = v2?.relatesTo?.[0]?.target?.reference;
        if (replaces !== `DocumentReference/${v1?.id}`) outOfOrder++;
      }
    }
    const parked = [...states.values()].filter((s) => s === 'parked').length;
    const stats = await Promise.all([...ehrs.values()].map((e) => e.stats()));
    console.log(
      `fault run: ${notes.length} notes, ${crashes} runtime crashes, ${retriedPosts} sender retries, ` +
        `${stats.reduce((a, s) => a + s.faultsInjected, 0)} EHR faults injected; ` +
        `delivered ${[...states.values()].filter((s) => s === 'delivered').length}, parked ${parked}, ` +
        `duplicates ${duplicates}, out of order ${outOfOrder}`,
    );
    ddb.destroy();

    expect(crashes).toBe(2);
    expect(parked).toBe(0);
    expect(duplicates).toBe(0);
    expect(outOfOrder).toBe(0);
  }, 600_000);
});
