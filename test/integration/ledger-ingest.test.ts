import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import type { LedgerEntry, ShardHead } from '../../shared/domain/ledger/entry.js';
import { verifyChain } from '../../shared/domain/ledger/verify-chain.js';
import type { SealReport } from '../../shared/domain/seal/verify-sealed.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { verifyLocalChain } from '../helpers/integrity.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders } from '../helpers/signing.js';

const NOTES = 200;
const SENDERS = 16;

describe(`${NOTES} cross-border notes from ${SENDERS} concurrent senders`, () => {
  let stack: TestStack;
  let statuses: number[];
  let shards: Array<{ head: ShardHead; entries: LedgerEntry[] }>;
  let verification: SealReport;

  beforeAll(async () => {
    // Prepare
    stack = await startTestStack();
    const secret = stack.demoSecret.value;
    const uk = stack.cells.find((c) => c.id === 'uk');
    if (!uk) throw new Error('no uk cell');
    let next = 0;
    statuses = [];
    // Act: each sender posts notes written in Germany for UK patients (an inbound movement each).
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let i = next++; i < NOTES; i = next++) {
          const body = JSON.stringify(
            noteEvent({ patient: fixturePatients.uk, noteId: `concurrent-${i}`, clinicianCountry: 'DE' }),
          );
          const response = await stack.post(
            'uk',
            `/v1/webhooks/${DEMO_SENDER_ID}`,
            body,
            signedHeaders({ secret, body }),
          );
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      }),
    );
    const store = new DynamoLedgerStore({
      client: stack.dynamoClient,
      tableName: uk.tableName,
      cellId: 'uk',
    });
    const heads = await store.heads();
    shards = await Promise.all(
      heads.map(async (head) => ({ head, entries: await store.readShard(head.shard) })),
    );
    verification = await verifyLocalChain({ client: stack.dynamoClient, dataDir: stack.dataDir, cell: uk });
  }, 120_000);
  afterAll(async () => stack.dispose());

  it('accepts every note', () => {
    expect(statuses).toHaveLength(NOTES);
    expect(statuses.every((s) => s === 202)).toBe(true);
  });

  it('writes exactly one allowed inbound entry per note', () => {
    const entries = shards.flatMap((s) => s.entries);
    const noteIds = entries
      .filter((e) => e.kind === 'inbound' && e.decision === 'allowed')
      .map((e) => e.noteId);
    expect(new Set(noteIds).size).toBe(NOTES);
    expect(noteIds).toHaveLength(NOTES);
  });

  it('leaves every shard chain intact up to its head', () => {
    for (const { head, entries } of shards) {
      expect(verifyChain(entries, { head })).toMatchObject({ ok: true, count: entries.length });
    }
    expect(verification.ok).toBe(true);
  });

  it('leaves every shard gap-free from seq 1', () => {
    for (const { entries } of shards) {
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    }
  });
});
