import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { testDynamoClient } from '../../helpers/dynamo.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { expectShardFailure } from '../../helpers/seal-expect.js';
import { LEDGER, minutes, type SealedCell, sealedCell } from '../../helpers/sealed-cell.js';

/**
 * An insider who can write the cell table and has read the source tampers with a
 * sealed 4-shard ledger through raw DynamoDB commands; verification must name what
 * was done and where. The digest anchor and key are out of their reach here.
 */
const client = testDynamoClient();
afterAll(() => client.destroy());

/** A fresh cell whose ledger is sealed by one digest. */
async function sealed(): Promise<SealedCell> {
  const cell = await sealedCell(client);
  await cell.seal('ledger');
  return cell;
}

const records = async (cell: SealedCell, shard: number) => cell.ledger.readShard(shard);
/** An entry's content without its place in the chain, to chain it again. */
const unchained = (entry: LedgerEntry) => {
  const { shard: _shard, seq: _seq, prevHash: _prev, entryHash: _hash, ...content } = entry;
  return content;
};
const nth = (entries: LedgerEntry[], seq: number) => entries[seq - 1] as LedgerEntry;
const writeEntry = (cell: SealedCell, entry: LedgerEntry) =>
  cell.raw.put({ ...LEDGER.entryIndexKey(entry), ...entry });
const setHead = (cell: SealedCell, shard: number, entry: LedgerEntry) =>
  cell.raw.put({ ...LEDGER.headKey(shard), seq: entry.seq, hash: entry.entryHash });

describe('an untampered ledger', () => {
  it('verifies against its digest, with later records counted as unsealed within the deadline', async () => {
    const cell = await sealed();
    await cell.ledger.append([syntheticEntry(101, minutes(1.5)), syntheticEntry(102, minutes(1.5))]);
    const report = await cell.verify('ledger');
    expect(report).toMatchObject({ ok: true, problems: [], strays: [], digests: { ok: true, count: 1 } });
    expect(report.shards.map((s) => s.sealed)).toEqual([2, 7, 6, 9]);
    expect(report.shards.map((s) => s.unsealed)).toEqual([0, 1, 0, 1]);
    expect(report.unsealed).toMatchObject({ ok: true, count: 2, oldestAt: minutes(1.5).toISOString() });
  });
});

describe('records tampered with in the table', () => {
  it('names a record whose field was edited', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.entryKey(1, 3), 'SET purpose = :p', { ':p': 'research' });
    expectShardFailure(await cell.verify('ledger'), 1, 'edited', 3);
  });

  it('names a sealed record that was given an extra attribute (a review state)', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.entryKey(2, 2), 'SET reviewState = :r', { ':r': 'reviewed' });
    expectShardFailure(await cell.verify('ledger'), 2, 'edited', 2);
  });

  it('names a deleted record', async () => {
    const cell = await sealed();
    await cell.raw.remove(LEDGER.entryKey(3, 4));
    expectShardFailure(await cell.verify('ledger'), 3, 'deleted', 4);
  });

  it('names a forged record inserted in the middle, the tail renumbered and the HEAD moved', async () => {
    const cell = await sealed();
    const shard2 = await records(cell, 2);
    const forged = sealEntries({ shard: 2, seq: 2, hash: nth(shard2, 2).entryHash }, [
      syntheticEntry(99, minutes(0)),
    ]).sealed[0] as LedgerEntry;
    for (const entry of shard2.slice(2).reverse()) await writeEntry(cell, { ...entry, seq: entry.seq + 1 });
    await writeEntry(cell, forged);
    await setHead(cell, 2, { ...nth(shard2, 6), seq: 7 });
    expectShardFailure(await cell.verify('ledger'), 2, 'inserted', 3);
  });

  it('catches a forged record inserted with the rest of the shard rechained, through the digest', async () => {
    const cell = await sealed();
    const shard2 = await records(cell, 2);
    const content = shard2.map(unchained);
    const forged = [...content.slice(0, 2), syntheticEntry(99, minutes(0)), ...content.slice(2)];
    const rechained = sealEntries(emptyHead(2), forged).sealed as LedgerEntry[];
    for (const entry of rechained) await writeEntry(cell, entry);
    await setHead(cell, 2, nth(rechained, 7));
    expectShardFailure(await cell.verify('ledger'), 2, 'rewritten', 1);
  });

  it('names two records whose places were swapped', async () => {
    const cell = await sealed();
    const shard3 = await records(cell, 3);
    await writeEntry(cell, { ...nth(shard3, 5), seq: 6 });
    await writeEntry(cell, { ...nth(shard3, 6), seq: 5 });
    expectShardFailure(await cell.verify('ledger'), 3, 'reordered', 5);
  });

  it('catches a truncated shard whose HEAD was moved back, from the last digest still intact', async () => {
    const cell = await sealed();
    await cell.ledger.append(cell.entriesFor(1, 3, minutes(1)));
    await cell.seal('ledger');
    const shard1 = await records(cell, 1);
    await cell.raw.remove(LEDGER.entryKey(1, 10));
    await cell.raw.remove(LEDGER.entryKey(1, 9));
    await setHead(cell, 1, nth(shard1, 8));
    expectShardFailure(await cell.verify('ledger'), 1, 'deleted', 8);
  });

  it('catches a shard rewritten wholesale with recomputed hashes and a new HEAD', async () => {
    const cell = await sealed();
    const shard3 = (await records(cell, 3)).map(unchained);
    const rewritten = sealEntries(
      emptyHead(3),
      shard3.map((e) => ({ ...e, purpose: 'research' })),
    ).sealed as LedgerEntry[];
    for (const entry of rewritten) await writeEntry(cell, entry);
    await setHead(cell, 3, nth(rewritten, 9));
    expectShardFailure(await cell.verify('ledger'), 3, 'rewritten', 1);
  });
  it('catches a ledger emptied of every record and HEAD', async () => {
    const cell = await sealed();
    for (const shard of [0, 1, 2, 3]) {
      for (const entry of await records(cell, shard))
        await cell.raw.remove(LEDGER.entryKey(shard, entry.seq));
      await cell.raw.remove(LEDGER.headKey(shard));
    }
    const report = await cell.verify('ledger');
    expect(report.ok).toBe(false);
    expect(report.shards).toEqual(
      [0, 1, 2, 3].map((shard) =>
        expect.objectContaining({ shard, count: 0, problem: 'deleted', firstBadSeq: 1 }),
      ),
    );
    expect(report.problems[0]).toMatch(/^shard 0: seq 2 is missing .*records from seq 1 on/);
  });
});

describe('HEAD items tampered with', () => {
  it('catches a HEAD moved back by one', async () => {
    const cell = await sealed();
    await setHead(cell, 2, nth(await records(cell, 2), 5));
    expectShardFailure(await cell.verify('ledger'), 2, 'inserted', 6);
  });

  it('catches a HEAD whose hash was edited', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.headKey(1), 'SET #h = :h', { ':h': 'f'.repeat(64) }, { '#h': 'hash' });
    expectShardFailure(await cell.verify('ledger'), 1, 'edited', 7);
  });

  it('catches a deleted HEAD', async () => {
    const cell = await sealed();
    await cell.raw.remove(LEDGER.headKey(0));
    expectShardFailure(await cell.verify('ledger'), 0, 'edited', 1, /^shard 0: .*HEAD is missing/);
  });

  it('reports a HEAD with an extra attribute as a stray and the shard as headless', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.headKey(0), 'SET note = :n', { ':n': 'x' });
    const report = await cell.verify('ledger');
    expect(report.strays).toEqual([{ key: 'LEDGER#0 / HEAD', reason: expect.stringMatching(/HEAD/) }]);
    expectShardFailure(report, 0, 'edited', 1, /^shard 0: .*HEAD is missing/);
  });
});
