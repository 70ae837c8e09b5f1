import { AppError } from '../../../shared/domain/errors.js';
import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import { verifyDigestChain } from '../../../shared/domain/seal/verify-digests.js';
import { testDynamoClient } from '../../helpers/dynamo.js';
import {
  freshDigestSigner,
  LEDGER,
  minutes,
  type SealedCell,
  sealedCell,
} from '../../helpers/sealed-cell.js';

/**
 * Sealing never blesses a table it cannot prove (it refuses and writes nothing),
 * and concurrent sealers extend one digest chain, never fork it.
 */
const client = testDynamoClient();
afterAll(() => client.destroy());

async function sealed(): Promise<SealedCell> {
  const cell = await sealedCell(client);
  await cell.seal('ledger');
  return cell;
}

/** Sealing fails with seal-refused (matching `why`) and the anchor still holds exactly `before`. */
async function expectRefused(cell: SealedCell, attempt: Promise<unknown>, why: RegExp): Promise<void> {
  const before = await cell.anchor.list('ledger');
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'seal-refused', message: expect.stringMatching(why) });
  expect(await cell.anchor.list('ledger')).toEqual(before);
}

describe('sealChain refuses', () => {
  it('a shard truncated below its sealed head', async () => {
    const cell = await sealed();
    const shard1 = await cell.ledger.readShard(1);
    await cell.raw.remove(LEDGER.entryKey(1, 7));
    await cell.raw.put({ ...LEDGER.headKey(1), seq: 6, hash: shard1[5]?.entryHash });
    await expectRefused(cell, cell.seal('ledger'), /shard 1 ends at seq 6, but seq 7 was sealed/);
  });

  it('a shard whose HEAD hash was changed while its length stayed', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.headKey(3), 'SET #h = :h', { ':h': 'a'.repeat(64) }, { '#h': 'hash' });
    await expectRefused(cell, cell.seal('ledger'), /shard 3/);
  });

  it('a shard rewritten with recomputed hashes and grown past its sealed head', async () => {
    const cell = await sealed();
    const content = (await cell.ledger.readShard(1)).map(
      ({ shard: _s, seq: _q, prevHash: _p, entryHash: _h, ...e }) => ({ ...e, purpose: 'research' }),
    );
    const rewritten = sealEntries(emptyHead(1), [...content, ...cell.entriesFor(1, 2, minutes(1))]).sealed;
    for (const entry of rewritten) await cell.raw.put({ ...LEDGER.entryIndexKey(entry), ...entry });
    const last = rewritten.at(-1);
    await cell.raw.put({ ...LEDGER.headKey(1), seq: last?.seq, hash: last?.entryHash });
    await expectRefused(cell, cell.seal('ledger'), /shard 1 seq 8/);
  });

  it('an unsealed record that was edited before it was sealed', async () => {
    const cell = await sealed();
    await cell.ledger.append(cell.entriesFor(2, 2, minutes(1)));
    await cell.raw.update(LEDGER.entryKey(2, 7), 'SET purpose = :p', { ':p': 'research' });
    await expectRefused(cell, cell.seal('ledger'), /shard 2 seq 7/);
  });

  it('when the latest anchored digest is not signed by its key', async () => {
    const cell = await sealed();
    await expectRefused(
      cell,
      cell.seal('ledger', freshDigestSigner()),
      /does not verify with the signing key/,
    );
  });
});

describe('a sealer whose clock lags the latest digest', () => {
  it('dates its digest no earlier than the latest one, so the chain stays valid', async () => {
    const cell = await sealed();
    cell.clock.set(minutes(0.5));
    const { digest } = await cell.seal('ledger');
    expect(digest).toMatchObject({ seq: 2, at: minutes(1).toISOString() });
    expect(await cell.verify('ledger')).toMatchObject({ ok: true, digests: { ok: true, count: 2 } });
  });
});

describe('concurrent sealers', () => {
  it('give consecutive digests while the ledger grows, never a fork', async () => {
    const cell = await sealed();
    const growth = cell.ledger.append(cell.entriesFor(0, 3, minutes(1)));
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => cell.seal('ledger')));
    await growth;
    const made = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.digest.seq] : []));
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'storage-unavailable' });
    }
    expect(made.length).toBeGreaterThanOrEqual(3);
    expect([...made].sort((a, b) => a - b)).toEqual(Array.from({ length: made.length }, (_, i) => i + 2));
    const objects = await cell.anchor.list('ledger');
    expect(objects).toHaveLength(made.length + 1);
    const chain = verifyDigestChain(objects, {
      chain: 'ledger',
      cell: 'uk',
      publicKeyPem: await cell.signer.publicKeyPem(),
    });
    expect(chain).toMatchObject({ ok: true, count: made.length + 1 });
    await cell.seal('ledger');
    expect(await cell.verify('ledger')).toMatchObject({ ok: true, unsealed: { count: 0 } });
  });

  it('all succeed when no more race than the retry budget allows', async () => {
    const cell = await sealed();
    const results = await Promise.all([cell.seal('ledger'), cell.seal('ledger'), cell.seal('ledger')]);
    expect(results.map((r) => r.digest.seq).sort()).toEqual([2, 3, 4]);
    expect((await cell.verify('ledger')).ok).toBe(true);
  });
});
