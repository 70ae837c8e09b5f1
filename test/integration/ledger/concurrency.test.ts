import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { DEFAULT_LEDGER_SHARDS } from '../../../shared/domain/ledger/chain.js';
import { verifyChain } from '../../../shared/domain/ledger/verify-chain.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { measureAppendRate } from '../../helpers/ledger-measure.js';

const client = testDynamoClient();
afterAll(() => client.destroy());

async function runConcurrent(shards: number) {
  const tableName = await createTestTable(client, 'concurrency');
  const store = new DynamoLedgerStore({ client, tableName, cellId: 'uk', shards, maxAttempts: 40 });
  const rate = await measureAppendRate(store, { writers: 16, count: 200 });
  console.log(
    `ledger append rate, ${shards} shard(s), 16 writers: ${rate.appendsPerSecond} appends/s ` +
      `(${rate.count} in ${rate.elapsedMs} ms, ${store.stats.headConflicts} head conflicts retried)`,
  );
  const heads = await store.heads();
  const results = await Promise.all(
    heads.map(async (head) => ({ head, entries: await store.readShard(head.shard) })),
  );
  return { results };
}

describe.each([1, DEFAULT_LEDGER_SHARDS])(
  '200 appends from 16 concurrent writers on %i shard(s)',
  (shards) => {
    let outcome: Awaited<ReturnType<typeof runConcurrent>>;
    beforeAll(async () => {
      outcome = await runConcurrent(shards);
    }, 120_000);

    it('keeps every entry', () => {
      expect(outcome.results.reduce((n, r) => n + r.entries.length, 0)).toBe(200);
    });

    it('leaves every shard chain intact up to its head', () => {
      for (const { head, entries } of outcome.results) {
        expect(verifyChain(entries, { head })).toMatchObject({ ok: true, count: entries.length });
      }
    });

    it('leaves every shard gap-free from seq 1', () => {
      for (const { entries } of outcome.results) {
        expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      }
    });
  },
);
