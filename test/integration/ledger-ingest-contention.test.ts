import { randomBytes } from 'node:crypto';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import { movementEntry } from '../../shared/domain/ledger/movement-entry.js';
import { verifyChain } from '../../shared/domain/ledger/verify-chain.js';
import { randomIds } from '../../shared/ports/ids.js';
import type { AcceptOutcome, AcceptRequest } from '../../shared/ports/note-store.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { createTestTable, testDynamoClient } from '../helpers/dynamo.js';

const client = testDynamoClient();
afterAll(() => client.destroy());

const PROCESSES = 8;
const WRITERS = 16;
const NOTES = 200;

function request(i: number): AcceptRequest {
  const noteId = `contended-${i}`;
  const event = noteEvent({ patient: fixturePatients.uk, noteId, clinicianCountry: 'DE' });
  const receipt = {
    noteId,
    version: 1,
    cell: 'uk',
    receivedAt: new Date().toISOString(),
    deliveryStatusUrl: `https://uk.example/${noteId}`,
  };
  const entry = movementEntry({
    ids: randomIds,
    kind: 'inbound',
    decision: { decision: 'allowed', basis: 'rule', ruleId: 'eu-uk.adequacy', reason: 'allowed' },
    at: new Date(),
    source: { country: 'DE', cell: 'eu' },
    destination: { country: 'GB', cell: 'uk' },
    event,
    organization: { id: 'st-marys-trust', ehrTarget: 'uk-ehr' },
    patientRef: 'p'.repeat(64),
    senderId: 'acme',
    key: { id: 'local:cell-uk', region: 'eu-west-2' },
  });
  return {
    bodyHash: `body-${i}`,
    ledgerEntries: [entry],
    record: {
      senderId: 'acme',
      noteId,
      version: 1,
      eventKind: 'finalized',
      tenant: 'st-marys-trust',
      cell: 'uk',
      contentHash: `content-${i}`,
      patientRef: 'p'.repeat(64),
      encounterRef: `enc-${i}`,
      ehrTarget: 'uk-ehr',
      loincType: '11506-3',
      ciphertext: randomBytes(64),
      keyId: 'local:cell-uk',
      patientKeyId: 'pk-contention',
      webhookId: `msg_${i}`,
      receipt,
    },
  };
}

describe(`note writes with ledger entries from ${PROCESSES} processes sharing one table`, () => {
  let outcomes: AcceptOutcome[];
  let ledger: DynamoLedgerStore;

  beforeAll(async () => {
    // Prepare: separate store instances stand for separate Lambda processes (no shared in-process lock).
    const tableName = await createTestTable(client, 'contention');
    const processes = Array.from({ length: PROCESSES }, () => {
      const own = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
      // 128 writers on 4 heads is far past what one cell sees: allow more tries than production's 30.
      return new DynamoNoteStore(client, tableName, own, 200);
    });
    ledger = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
    let next = 0;
    outcomes = [];
    // Act
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const store = processes[writer % PROCESSES] as DynamoNoteStore;
        for (let i = next++; i < NOTES; i = next++) outcomes.push(await store.accept(request(i)));
      }),
    );
  }, 120_000);

  it('accepts every note despite head conflicts between processes', () => {
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(NOTES);
  });

  it('leaves every shard intact and gap-free with one entry per note', async () => {
    const heads = await ledger.heads();
    const shards = await Promise.all(
      heads.map(async (head) => ({ head, entries: await ledger.readShard(head.shard) })),
    );
    for (const { head, entries } of shards) {
      expect(verifyChain(entries, { head })).toMatchObject({ ok: true, count: entries.length });
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    }
    expect(new Set(shards.flatMap((s) => s.entries.map((e) => e.noteId))).size).toBe(NOTES);
  });
});
