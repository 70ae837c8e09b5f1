import { computeEntryHash, emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { verifyChain } from '../../../shared/domain/ledger/verify-chain.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const at = new Date('2026-11-25T10:00:00.000Z');
/** A valid 6-entry chain, seqs 1-6. */
const chain = (): LedgerEntry[] =>
  sealEntries(
    emptyHead(0),
    Array.from({ length: 6 }, (_, i) => syntheticEntry(i, at)),
  ).sealed;
const rehash = (e: LedgerEntry): LedgerEntry => ({ ...e, entryHash: computeEntryHash(e) });
const at_ = (entries: LedgerEntry[], seq: number) => entries[seq - 1] as LedgerEntry;

describe('verifyChain', () => {
  it('accepts an intact chain and returns its head', () => {
    const entries = chain();
    expect(verifyChain(entries)).toEqual({
      ok: true,
      count: 6,
      head: { seq: 6, hash: at_(entries, 6).entryHash },
    });
  });

  it('accepts an empty chain with the genesis head', () => {
    expect(verifyChain([])).toMatchObject({ ok: true, count: 0, head: { seq: 0 } });
  });

  it('accepts a slice given the entry before it as anchor', () => {
    const entries = chain();
    expect(
      verifyChain(entries.slice(3), { anchor: { seq: 3, hash: at_(entries, 3).entryHash } }),
    ).toMatchObject({ ok: true, count: 3 });
  });

  it('detects an edited field at its seq', () => {
    const entries = chain();
    entries[2] = { ...at_(entries, 3), purpose: 'marketing' };
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 3 });
  });

  it('detects an added attribute as an edit', () => {
    const entries = chain();
    entries[3] = { ...at_(entries, 4), extra: 'x' } as LedgerEntry;
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 4 });
  });

  it('detects a deleted entry as a seq gap', () => {
    const entries = chain();
    entries.splice(2, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 3 });
  });

  it('detects a deleted first entry', () => {
    expect(verifyChain(chain().slice(1))).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 1 });
  });

  it('detects a deletion hidden by renumbering the later entries', () => {
    const entries = chain();
    const renumbered = [...entries.slice(0, 2), ...entries.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))];
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 3 });
  });

  it('detects a deleted tail against the recorded head', () => {
    const entries = chain();
    const head = { seq: 6, hash: at_(entries, 6).entryHash };
    expect(verifyChain(entries.slice(0, 4), { head })).toMatchObject({
      ok: false,
      problem: 'deleted',
      firstBadSeq: 5,
    });
  });

  it('detects a forged entry inserted with later entries renumbered', () => {
    const entries = chain();
    const forged = rehash({
      ...syntheticEntry(99, at),
      shard: 0,
      seq: 4,
      prevHash: at_(entries, 3).entryHash,
      entryHash: '',
    });
    const tampered = [
      ...entries.slice(0, 3),
      forged,
      ...entries.slice(3).map((e) => ({ ...e, seq: e.seq + 1 })),
    ];
    expect(verifyChain(tampered)).toMatchObject({ ok: false, problem: 'inserted', firstBadSeq: 4 });
  });

  it('detects an inserted entry that the next entry links past', () => {
    const entries = chain();
    const forged = rehash({
      ...syntheticEntry(99, at),
      shard: 0,
      seq: 4,
      prevHash: at_(entries, 3).entryHash,
      entryHash: '',
    });
    const shifted = entries.slice(3).map((e) => rehash({ ...e, seq: e.seq + 1 }));
    expect(verifyChain([...entries.slice(0, 3), forged, ...shifted])).toMatchObject({
      ok: false,
      problem: 'inserted',
      firstBadSeq: 4,
    });
  });

  it('detects an entry appended beyond the recorded head', () => {
    const entries = chain();
    const head = { seq: 6, hash: at_(entries, 6).entryHash };
    const extra = sealEntries({ shard: 0, ...head }, [syntheticEntry(7, at)]).sealed;
    expect(verifyChain([...entries, ...extra], { head })).toMatchObject({
      ok: false,
      problem: 'inserted',
      firstBadSeq: 7,
    });
  });

  it('detects two entries whose seqs were swapped', () => {
    const entries = chain();
    const tampered = [...entries];
    tampered[2] = { ...at_(entries, 4), seq: 3 };
    tampered[3] = { ...at_(entries, 3), seq: 4 };
    expect(verifyChain(tampered)).toMatchObject({ ok: false, problem: 'reordered', firstBadSeq: 3 });
  });

  it('detects entries stored out of order with their own seqs', () => {
    const entries = chain();
    const tampered = [
      at_(entries, 1),
      at_(entries, 2),
      at_(entries, 5),
      at_(entries, 3),
      at_(entries, 4),
      at_(entries, 6),
    ];
    expect(verifyChain(tampered)).toMatchObject({ ok: false, problem: 'reordered', firstBadSeq: 3 });
  });

  it('reports a broken link when an entry was re-hashed onto an unknown predecessor', () => {
    const entries = chain();
    entries[3] = rehash({ ...at_(entries, 4), prevHash: 'f'.repeat(64) });
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'broken-link', firstBadSeq: 4 });
  });

  it('catches a wholesale rewrite only against a pinned head', () => {
    const original = chain();
    const rewritten = sealEntries(
      emptyHead(0),
      original.map((e) => ({ ...e, purpose: 'rewritten' })),
    ).sealed;
    expect(verifyChain(rewritten).ok).toBe(true);
    const head = { seq: 6, hash: at_(original, 6).entryHash };
    expect(verifyChain(rewritten, { head })).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 6 });
  });
});
