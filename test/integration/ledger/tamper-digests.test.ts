import { copyFile, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import {
  digestBody,
  digestHash,
  digestSigningBytes,
  type SignedDigest,
} from '../../../shared/domain/seal/digest.js';
import { digestObjectName } from '../../../shared/ports/digest-anchor.js';
import { testDynamoClient } from '../../helpers/dynamo.js';
import { expectShardFailure } from '../../helpers/seal-expect.js';
import {
  freshDigestSigner,
  LEDGER,
  minutes,
  type SealedCell,
  sealedCell,
} from '../../helpers/sealed-cell.js';

/**
 * The digest chain under attack: digests deleted or copied forward in the anchor
 * folder, the table rolled back to an earlier digest and given a new history, and
 * digests withheld while records pile up. Verification must fail closed.
 */
const client = testDynamoClient();
afterAll(() => client.destroy());

const digestFile = (cell: SealedCell, seq: number) => join(cell.anchorDir, 'ledger', digestObjectName(seq));

/** A cell sealed by digest 1 (minute 1), 3 entries appended to shard 1 at minute 2, digest 2 at minute 3. */
async function twiceSealed(): Promise<SealedCell> {
  const cell = await sealedCell(client);
  await cell.seal('ledger');
  await cell.ledger.append(cell.entriesFor(1, 3, minutes(2)));
  cell.clock.set(minutes(3));
  await cell.seal('ledger');
  return cell;
}

describe('digests tampered with in the anchor', () => {
  it('fails when every digest was deleted and records are older than one interval', async () => {
    const cell = await twiceSealed();
    await unlink(digestFile(cell, 1));
    await unlink(digestFile(cell, 2));
    const report = await cell.verify('ledger', minutes(6));
    expect(report).toMatchObject({
      ok: false,
      digests: { ok: true, count: 0 },
      unsealed: { ok: false, count: 27 },
    });
    expect(report.problems[0]).toMatch(/^shard \d seq 1 and 26 other record\(s\) dated .*no digest exists/);
  });

  it('fails when the first digest was deleted (a gap)', async () => {
    const cell = await twiceSealed();
    await unlink(digestFile(cell, 1));
    const report = await cell.verify('ledger', minutes(4));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('digest seq 2: digest seq 1 is missing from the anchor');
  });

  it('fails when the latest digest was deleted and what it sealed is older than two intervals', async () => {
    const cell = await twiceSealed();
    await unlink(digestFile(cell, 2));
    expect(await cell.verify('ledger', minutes(10))).toMatchObject({ ok: true, unsealed: { count: 3 } });
    const report = await cell.verify('ledger', minutes(12));
    expect(report).toMatchObject({ ok: false, unsealed: { ok: false, count: 3 } });
    expect(report.problems[0]).toMatch(/^shard 1 seq 8 and 2 other record\(s\) unsealed past .*withheld/);
  });

  it('fails when an older digest was copied under a newer name and the table rewritten after it', async () => {
    const cell = await twiceSealed();
    await copyFile(digestFile(cell, 1), digestFile(cell, 3));
    await rollBack(cell);
    const report = await cell.verify('ledger', minutes(4));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('digest object 000000000003.json holds digest seq 1 under another name');
    expect(report.shards[1]).toMatchObject({ ok: false, problem: 'rewritten', firstBadSeq: 8 });
  });

  it('fails when a well-linked digest signed by another key was added', async () => {
    const cell = await twiceSealed();
    const other = freshDigestSigner();
    const second = JSON.parse(await readFile(digestFile(cell, 2), 'utf8')) as SignedDigest;
    const { signature: _, ...unsigned } = {
      ...second,
      seq: 3,
      prevDigestHash: digestHash(second),
      keyId: other.keyId,
    };
    const { signature } = await other.sign(digestSigningBytes(unsigned));
    await writeFile(digestFile(cell, 3), digestBody({ ...unsigned, signature }));
    expect((await cell.verify('ledger', minutes(4))).problems[0]).toBe(
      'digest seq 3: its signature does not verify with the digest public key',
    );
  });
});

/**
 * Rolls shard 1 back to what digest 1 sealed (seq 7) and gives it a new history of
 * 4 entries through the application's own append path, HEAD and hashes consistent.
 */
async function rollBack(cell: SealedCell): Promise<void> {
  const shard1 = await cell.ledger.readShard(1);
  for (const entry of shard1.slice(7)) await cell.raw.remove(LEDGER.entryKey(1, entry.seq));
  const sealedEnd = shard1[6];
  await cell.raw.put({ ...LEDGER.headKey(1), seq: 7, hash: sealedEnd?.entryHash });
  const fresh = new DynamoLedgerStore({ client, tableName: cell.tableName, cellId: 'uk' });
  await fresh.append(cell.entriesFor(1, 4, minutes(2)));
}

describe('the table rolled back to an earlier digest', () => {
  it('names the first record after the last digest that still matches', async () => {
    const cell = await twiceSealed();
    await rollBack(cell);
    expectShardFailure(await cell.verify('ledger', minutes(4)), 1, 'rewritten', 8);
  });
});

describe('records left unsealed', () => {
  it('pass within two intervals of the latest digest and fail after', async () => {
    const cell = await sealedCell(client);
    await cell.seal('ledger');
    await cell.ledger.append(cell.entriesFor(2, 2, minutes(3)));
    expect(await cell.verify('ledger', minutes(11))).toMatchObject({
      ok: true,
      unsealed: { ok: true, count: 2, mustBeSealedBy: minutes(11).toISOString() },
    });
    const report = await cell.verify('ledger', minutes(11.5));
    expect(report).toMatchObject({ ok: false, unsealed: { ok: false, count: 2 } });
    expect(report.problems[0]).toMatch(/^shard 2 seq 7 and 1 other record\(s\) unsealed past/);
  });

  it('fail when an unsealed record is dated after the time of verification', async () => {
    const cell = await sealedCell(client);
    await cell.seal('ledger');
    await cell.ledger.append(cell.entriesFor(0, 1, minutes(60)));
    const report = await cell.verify('ledger', minutes(2));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe(
      `shard 0 seq 3 is unsealed and dated '${minutes(60).toISOString()}', not before the time of verification: its time was forged`,
    );
  });
});
