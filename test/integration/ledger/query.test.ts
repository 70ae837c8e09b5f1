import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import type { LedgerEntry, UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import { toCsv, toNdjson } from '../../../shared/domain/ledger/export.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const client = testDynamoClient();
let store: DynamoLedgerStore;
const base = Date.parse('2026-11-25T10:00:00.000Z');
const minute = (i: number) => new Date(base + i * 60_000);

/** 30 entries one minute apart: every third denied, every fifth an inbound us → uk, note-7 moved twice. */
function entry(i: number): UnsealedEntry {
  const e = syntheticEntry(i, minute(i));
  if (i % 3 === 0)
    Object.assign(e, { decision: 'denied', mechanism: null, ruleId: null, reason: 'default deny' });
  if (i % 5 === 0)
    Object.assign(e, {
      kind: 'inbound',
      source: { country: 'US', cell: 'us' },
      destination: { country: 'GB', cell: 'uk' },
    });
  if (i === 20) e.noteId = 'note-7';
  return e;
}

beforeAll(async () => {
  const tableName = await createTestTable(client, 'query');
  store = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
  for (let i = 0; i < 30; i += 1) await store.append([entry(i)]);
});
afterAll(() => client.destroy());

const minutes = (entries: LedgerEntry[]) => entries.map((e) => (Date.parse(e.at) - base) / 60_000);

describe('DynamoLedgerStore query', () => {
  it('returns entries of every shard in time order', async () => {
    const page = await store.query({}, { limit: 100 });
    expect(minutes(page.entries)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(page.entries.map((e) => e.shard)).size).toBeGreaterThan(1);
    expect(page.nextCursor).toBeUndefined();
  });

  it('includes from and excludes to', async () => {
    const page = await store.query({ from: minute(10), to: minute(13) }, { limit: 100 });
    expect(minutes(page.entries)).toEqual([10, 11, 12]);
  });

  it('filters by decision', async () => {
    const page = await store.query({ decision: 'denied', to: minute(10) }, { limit: 100 });
    expect(minutes(page.entries)).toEqual([0, 3, 6, 9]);
  });

  it('filters by kind and corridor together', async () => {
    const page = await store.query({ kind: 'inbound', corridor: { from: 'us', to: 'uk' } }, { limit: 100 });
    expect(minutes(page.entries)).toEqual([0, 5, 10, 15, 20, 25]);
  });

  it('matches nothing on a corridor no entry took', async () => {
    expect((await store.query({ corridor: { from: 'uk', to: 'au' } }, { limit: 10 })).entries).toEqual([]);
  });

  it('filters by note id', async () => {
    expect(minutes((await store.query({ noteId: 'note-7' }, { limit: 10 })).entries)).toEqual([7, 20]);
  });

  it('filters by patient reference', async () => {
    const ref = syntheticEntry(4).patientRef;
    const page = await store.query({ patientRef: ref }, { limit: 10 });
    expect(minutes(page.entries)).toEqual([4]);
  });

  it('returns newest first on request', async () => {
    expect(minutes((await store.query({}, { limit: 3, order: 'desc' })).entries)).toEqual([29, 28, 27]);
  });

  it('pages through every match with the cursor, without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.query({ decision: 'allowed' }, { limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...minutes(page.entries));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 0));
    expect(pages).toBe(5);
  });

  it('rejects a cursor it did not issue', async () => {
    const cursor = Buffer.from(JSON.stringify({ pk: 'NOTE#x', sk: 'V#1' })).toString('base64url');
    await expect(store.query({}, { limit: 5, cursor })).rejects.toMatchObject({ code: 'invalid-cursor' });
  });

  it('iterates every match for exports', async () => {
    const all: LedgerEntry[] = [];
    for await (const e of store.entries({ from: minute(25) })) all.push(e);
    expect(minutes(all)).toEqual([25, 26, 27, 28, 29]);
  });
});

describe('ledger export', () => {
  it('exports the stored entries as NDJSON that parses back to them', async () => {
    const page = await store.query({ to: minute(5) }, { limit: 100 });
    const lines = toNdjson(page.entries).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(page.entries);
  });

  it('exports the stored entries as CSV with a header and one row each', async () => {
    const page = await store.query({ to: minute(5) }, { limit: 100 });
    const rows = toCsv(page.entries).trimEnd().split('\r\n');
    expect(rows).toHaveLength(6);
    expect(rows[1]).toContain(page.entries[0]?.entryHash);
  });
});
