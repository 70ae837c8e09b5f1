import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { type ExportBundle, verifyExportBundle } from '../../../shared/domain/seal/verify-export.js';
import { anchored, signChain } from '../../helpers/digests.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { freshDigestSigner, minutes } from '../../helpers/sealed-cell.js';

const signer = freshDigestSigner();
const shard = (n: number, count: number, from = 0): LedgerEntry[] =>
  sealEntries(
    emptyHead(n),
    Array.from({ length: count }, (_, i) => syntheticEntry(n * 100 + from + i, minutes(0))),
  ).sealed;
const headOf = (entries: LedgerEntry[], seq: number) => {
  const e = entries[seq - 1] as LedgerEntry;
  return { shard: e.shard, seq, hash: e.entryHash };
};

/** Two shards of 4 and 3 records, sealed by two digests (at 2+1 and at 4+3), exported whole. */
async function bundle(): Promise<{ bundle: ExportBundle; shard0: LedgerEntry[]; shard1: LedgerEntry[] }> {
  const [shard0, shard1] = [shard(0, 4), shard(1, 3)];
  const digests = await signChain(signer, [
    [headOf(shard0, 2), headOf(shard1, 1)],
    [headOf(shard0, 4), headOf(shard1, 3)],
  ]);
  const records = [...shard1, ...shard0].map((r) => JSON.parse(JSON.stringify(r)));
  return { bundle: { chain: 'ledger', cell: 'uk', records, objects: anchored(digests) }, shard0, shard1 };
}
const verify = async (b: ExportBundle, pem?: string) =>
  verifyExportBundle(b, pem ?? (await signer.publicKeyPem()), minutes(60));

describe('verifyExportBundle', () => {
  it('passes a whole export, in any record order, with the public key alone', async () => {
    const { bundle: b } = await bundle();
    expect(await verify(b)).toMatchObject({
      ok: true,
      problems: [],
      digests: { ok: true, count: 2, latest: { seq: 2 } },
      unsealed: { ok: true, count: 0 },
    });
  });

  it('names an edited record', async () => {
    const { bundle: b, shard0 } = await bundle();
    const records = b.records.map((r) =>
      (r as LedgerEntry).entryHash === shard0[2]?.entryHash
        ? { ...(r as LedgerEntry), purpose: 'research' }
        : r,
    );
    const report = await verify({ ...b, records });
    expect(report.ok).toBe(false);
    expect(report.shards[0]).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 3 });
    expect(report.problems[0]).toMatch(/^shard 0: entry at seq 3/);
  });

  it('fails when a digest was dropped from the export', async () => {
    const { bundle: b } = await bundle();
    const report = await verify({ ...b, objects: b.objects.slice(1) });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('digest seq 2: digest seq 1 is missing from the anchor');
  });

  it('fails when records were dropped after the last digest sealed them', async () => {
    const { bundle: b, shard1 } = await bundle();
    const records = b.records.filter((r) => (r as LedgerEntry).entryHash !== shard1[2]?.entryHash);
    const report = await verify({ ...b, records });
    expect(report.shards[1]).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 2 });
  });

  it('fails with another public key', async () => {
    const { bundle: b } = await bundle();
    const report = await verify(b, await freshDigestSigner().publicKeyPem());
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('digest seq 1: its signature does not verify with the digest public key');
  });

  it('reports records made after the last digest as unsealed without failing', async () => {
    const { bundle: b } = await bundle();
    const longer = shard(0, 6);
    const report = await verify({ ...b, records: [...b.records, ...longer.slice(4)] });
    expect(report).toMatchObject({ ok: true, unsealed: { ok: true, count: 2 } });
    expect(report.shards[0]).toMatchObject({ count: 6, sealed: 4, unsealed: 2 });
  });

  it('reports a line that is not a chained record', async () => {
    const { bundle: b } = await bundle();
    const report = await verify({ ...b, records: [...b.records, { hello: 'world' }] });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe(
      'item record 8: is not a chained record (shard, seq, prevHash, entryHash, at)',
    );
  });
});
