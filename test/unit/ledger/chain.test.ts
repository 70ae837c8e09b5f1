import { computeEntryHash, emptyHead, sealEntries, shardFor } from '../../../shared/domain/ledger/chain.js';
import { GENESIS_HASH } from '../../../shared/domain/ledger/entry.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const at = new Date('2026-11-25T10:00:00.000Z');

describe('sealEntries', () => {
  it('starts a chain at seq 1 on the genesis hash', () => {
    const { sealed } = sealEntries(emptyHead(2), [syntheticEntry(1, at)]);
    expect(sealed[0]).toMatchObject({ shard: 2, seq: 1, prevHash: GENESIS_HASH });
  });

  it('links each entry to the previous entry hash and returns the new head', () => {
    const { sealed, head } = sealEntries(emptyHead(0), [syntheticEntry(1, at), syntheticEntry(2, at)]);
    expect(sealed[1]?.prevHash).toBe(sealed[0]?.entryHash);
    expect(head).toEqual({ shard: 0, seq: 2, hash: sealed[1]?.entryHash });
  });

  it('continues an existing head', () => {
    const first = sealEntries(emptyHead(0), [syntheticEntry(1, at)]);
    const { sealed } = sealEntries(first.head, [syntheticEntry(2, at)]);
    expect(sealed[0]).toMatchObject({ seq: 2, prevHash: first.head.hash });
  });

  it('hashes the SHA-256 of the canonical entry including prevHash', () => {
    const { sealed } = sealEntries(emptyHead(0), [syntheticEntry(1, at)]);
    const entry = sealed[0];
    if (!entry) throw new Error('no entry');
    expect(entry.entryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(computeEntryHash({ ...entry, prevHash: '1'.repeat(64) })).not.toBe(entry.entryHash);
  });

  it('hashes every field but the hash, so an attribute added later is a change', () => {
    const { sealed } = sealEntries(emptyHead(0), [syntheticEntry(1, at)]);
    const entry = sealed[0];
    if (!entry) throw new Error('no entry');
    expect(computeEntryHash({ ...entry, reviewState: 'flagged' })).not.toBe(entry.entryHash);
    expect(computeEntryHash({ ...entry, entryHash: 'x' })).toBe(entry.entryHash);
  });
});

describe('shardFor', () => {
  it('always maps a note to the same shard', () => {
    expect(shardFor('note-8f2c', 4)).toBe(shardFor('note-8f2c', 4));
  });

  it('spreads notes over every shard', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardFor(`note-${i}`, 4)));
    expect([...used].sort()).toEqual([0, 1, 2, 3]);
  });

  it('puts everything in shard 0 when there is one shard', () => {
    expect(shardFor('anything', 1)).toBe(0);
  });

  it('rejects a shard count below 1', () => {
    expect(() => shardFor('x', 0)).toThrow(RangeError);
  });
});
