import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import { testDynamoClient } from '../../helpers/dynamo.js';
import { expectShardFailure, expectStray } from '../../helpers/seal-expect.js';
import { AUDIT, auditAction, minutes, type SealedCell, sealedCell } from '../../helpers/sealed-cell.js';

/**
 * The HIM audit log (who viewed which PHI) sealed like the ledger: an insider who
 * removes the traces of their own access and recomputes the chain and HEAD, or
 * edits an entry, is caught against the audit digest chain.
 */
const client = testDynamoClient();
afterAll(() => client.destroy());

async function sealed(): Promise<SealedCell> {
  const cell = await sealedCell(client);
  await cell.seal('audit');
  return cell;
}

const writeEntry = (cell: SealedCell, entry: AuditEntry) =>
  cell.raw.put({ ...AUDIT.entryIndexKey(entry), ...entry });

describe('the audit log', () => {
  it('verifies untampered, with later entries counted as unsealed within the deadline', async () => {
    const cell = await sealed();
    await cell.audit.append(auditAction(6, minutes(1.5)));
    expect(await cell.verify('audit')).toMatchObject({
      ok: true,
      problems: [],
      shards: [{ shard: 0, ok: true, count: 6, sealed: 5, unsealed: 1 }],
      unsealed: { ok: true, count: 1 },
    });
  });

  it('catches entries removed with the chain and HEAD recomputed', async () => {
    const cell = await sealed();
    const entries = await cell.audit.readShard(0);
    const kept = entries
      .filter((e) => e.seq !== 2 && e.seq !== 4)
      .map(({ shard: _s, seq: _q, prevHash: _p, entryHash: _h, ...content }) => content);
    const rechained = sealEntries(emptyHead(0), kept).sealed as AuditEntry[];
    for (const entry of rechained) await writeEntry(cell, entry);
    for (const seq of [4, 5]) await cell.raw.remove(AUDIT.entryKey(0, seq));
    const last = rechained.at(-1) as AuditEntry;
    await cell.raw.put({ ...AUDIT.headKey(0), seq: last.seq, hash: last.entryHash });
    expectShardFailure(await cell.verify('audit'), 0, 'deleted', 1);
  });

  it('names an edited entry', async () => {
    const cell = await sealed();
    await cell.raw.update(AUDIT.entryKey(0, 3), 'SET outcome = :o', { ':o': 'forbidden' });
    expectShardFailure(await cell.verify('audit'), 0, 'edited', 3);
  });

  it('names an entry whose action id was changed, so an access cannot be moved to another action', async () => {
    const cell = await sealed();
    await cell.raw.update(AUDIT.entryKey(0, 2), 'SET actionId = :a', {
      ':a': '00000000-0000-4000-8000-000000000099',
    });
    expectShardFailure(await cell.verify('audit'), 0, 'edited', 2);
  });

  it('names an entry whose action id was removed', async () => {
    const cell = await sealed();
    await cell.raw.update(AUDIT.entryKey(0, 4), 'REMOVE actionId');
    expectShardFailure(await cell.verify('audit'), 0, 'edited', 4);
  });

  it('reports an entry planted in a shard the audit log does not have', async () => {
    const cell = await sealed();
    const [entry] = await cell.audit.readShard(0);
    const planted = { ...(entry as AuditEntry), shard: 1 };
    await writeEntry(cell, planted);
    expectStray(await cell.verify('audit'), 'AUDIT#1 / SEQ#000000000001', /not one of the 1 shard/);
  });
});
