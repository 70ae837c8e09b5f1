import { DIGEST_GENESIS, digestHash, type SealedHead } from '../../../shared/domain/seal/digest.js';
import { verifyDigestChain } from '../../../shared/domain/seal/verify-digests.js';
import { anchored, signChain, signDigest } from '../../helpers/digests.js';
import { freshDigestSigner } from '../../helpers/sealed-cell.js';

const h = (shard: number, seq: number, fill = 'a'): SealedHead => ({
  shard,
  seq,
  hash: seq === 0 ? DIGEST_GENESIS : fill.repeat(63) + String(seq % 10),
});
const signer = freshDigestSigner();
const expected = async () => ({
  chain: 'ledger' as const,
  cell: 'uk',
  publicKeyPem: await signer.publicKeyPem(),
});
/** Three honest digests over two shards that only grow. */
const honest = () =>
  signChain(signer, [
    [h(0, 1), h(1, 0)],
    [h(0, 2), h(1, 1)],
    [h(0, 2), h(1, 3)],
  ]);

describe('verifyDigestChain', () => {
  it('accepts an honest chain, and an empty one', async () => {
    expect(verifyDigestChain(anchored(await honest()), await expected())).toMatchObject({
      ok: true,
      count: 3,
    });
    expect(verifyDigestChain([], await expected())).toEqual({ ok: true, digests: [], count: 0 });
  });

  it('fails at a gap', async () => {
    const [first, , third] = anchored(await honest());
    const result = verifyDigestChain(
      [first, third].filter((o) => o !== undefined),
      await expected(),
    );
    expect(result).toMatchObject({
      ok: false,
      digests: [{ seq: 1 }],
      problem: { name: '000000000003.json', detail: 'digest seq 3: digest seq 2 is missing from the anchor' },
    });
  });

  it('fails at a validly signed digest that links elsewhere (a fork by the key holder)', async () => {
    const [first] = await honest();
    const fork = await signDigest(signer, {
      seq: 2,
      shards: [h(0, 1), h(1, 0)],
      prevDigestHash: 'f'.repeat(64),
    });
    const result = verifyDigestChain(
      anchored([first, fork].filter((d) => d !== undefined)),
      await expected(),
    );
    expect(result.problem?.detail).toMatch(
      /^digest seq 2: it does not link to digest seq 1: .*forked or rolled back/,
    );
  });

  it('fails at a validly signed, linked digest that seals a shard shorter than before (a rollback)', async () => {
    const chain = await signChain(signer, [
      [h(0, 2), h(1, 1)],
      [h(0, 1), h(1, 1)],
    ]);
    expect(verifyDigestChain(anchored(chain), await expected()).problem?.detail).toBe(
      'digest seq 2: shard 0 is shorter than digest seq 1 sealed: a rollback',
    );
  });

  it('fails at a validly signed, linked digest with another hash at the same length (a rewrite)', async () => {
    const chain = await signChain(signer, [[h(0, 2)], [h(0, 2, 'b')]]);
    expect(verifyDigestChain(anchored(chain), await expected()).problem?.detail).toMatch(
      /^digest seq 2: shard 0 seq 2 has another hash .*a fork$/,
    );
  });

  it('fails at a digest of another cell or chain', async () => {
    const other = await signDigest(signer, { cell: 'us', shards: [h(0, 1)] });
    const audit = await signDigest(signer, { chain: 'audit', shards: [h(0, 1)] });
    expect(verifyDigestChain(anchored([other]), await expected()).problem?.detail).toMatch(/of cell us, not/);
    expect(verifyDigestChain(anchored([audit]), await expected()).problem?.detail).toMatch(
      /the audit of cell uk/,
    );
  });

  it('fails at a digest signed by another key', async () => {
    const chain = await signChain(freshDigestSigner(), [[h(0, 1)]]);
    expect(verifyDigestChain(anchored(chain), await expected()).problem?.detail).toBe(
      'digest seq 1: its signature does not verify with the digest public key',
    );
  });

  it('fails at an object that is not a digest, or a digest with fields added', async () => {
    const [first] = anchored(await honest());
    const body = JSON.parse(first?.body ?? '{}');
    const cases = [
      { name: '000000000001.json', body: 'hello' },
      { name: '000000000001.json', body: JSON.stringify({ ...body, note: 'x' }) },
      { name: '000000000001.json', body: JSON.stringify({ ...body, seq: '1' }) },
    ];
    const details = await Promise.all(
      cases.map(async (o) => verifyDigestChain([o], await expected()).problem?.detail),
    );
    expect(details).toEqual([
      'digest object 000000000001.json is not JSON',
      'digest object 000000000001.json is not a digest (bad fields: (root))',
      'digest object 000000000001.json is not a digest (bad fields: seq)',
    ]);
  });

  it('fails at a digest under a name other than its seq, or an unknown file', async () => {
    const [first] = anchored(await honest());
    const renamed = [{ name: '1.json', body: first?.body ?? '' }];
    expect(verifyDigestChain(renamed, await expected()).problem).toEqual({
      name: '1.json',
      detail: 'digest object 1.json holds digest seq 1 under another name',
    });
  });

  it('fails at a digest dated before the one it follows, or with a malformed shard list', async () => {
    const [first] = await honest();
    if (!first) throw new Error('no digest');
    const link = { seq: 2, prevDigestHash: digestHash(first) };
    const early = await signDigest(signer, { ...link, at: '2026-11-25T10:00:00.000Z', shards: first.shards });
    const short = await signDigest(signer, { ...link, shards: [h(0, 1)], shardCount: 2 });
    const swapped = await signDigest(signer, { ...link, shards: [h(1, 0), h(0, 1)] });
    const detail = async (d: typeof first) =>
      verifyDigestChain(anchored([first, d]), await expected()).problem?.detail;
    expect(await detail(early)).toBe('digest seq 2: it is dated before digest seq 1');
    expect(await detail(short)).toBe('digest seq 2: its shard list does not match its shard count');
    expect(await detail(swapped)).toBe('digest seq 2: shard 0 is missing or out of order');
  });
});
