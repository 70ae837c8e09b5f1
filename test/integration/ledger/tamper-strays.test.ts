import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { testDynamoClient } from '../../helpers/dynamo.js';
import { expectStray } from '../../helpers/seal-expect.js';
import { LEDGER, minutes, type SealedCell, sealedCell } from '../../helpers/sealed-cell.js';

/**
 * An insider with write access to the cell table hides or plants items where a
 * walk of the known shards would not look: other partitions, altered index
 * attributes, leftovers of the old in-table digests. Whatever a reader could be
 * shown (or denied) that verification does not account for must fail it.
 */
const client = testDynamoClient();
afterAll(() => client.destroy());

async function sealed(): Promise<SealedCell> {
  const cell = await sealedCell(client);
  await cell.seal('ledger');
  return cell;
}

/** A well-formed record copied into another partition: chained there as seq 1. */
const plant = (entry: LedgerEntry, pk: string): Record<string, unknown> => {
  const moved = { ...entry, seq: 1 };
  return { ...LEDGER.entryIndexKey(moved), ...moved, pk };
};

describe('items outside the known shards', () => {
  it('reports a record in an unknown partition that readers list through the index', async () => {
    const cell = await sealed();
    const [entry] = await cell.ledger.readShard(1);
    await cell.raw.put(plant(entry as LedgerEntry, 'LEDGER#9'));
    expectStray(await cell.verify('ledger'), 'LEDGER#9 / SEQ#000000000001', /not one of the 4 shard/);
  });

  it('reports a record in an unknown partition with no index attributes', async () => {
    const cell = await sealed();
    const [entry] = await cell.ledger.readShard(1);
    const { gsi1pk: _pk, gsi1sk: _sk, ...item } = plant(entry as LedgerEntry, 'LEDGER#9');
    await cell.raw.put(item);
    expectStray(await cell.verify('ledger'), 'LEDGER#9 / SEQ#000000000001', /not one of the 4 shard/);
  });

  it('reports a partition that only a lax parser would read as a known shard', async () => {
    const cell = await sealed();
    const [entry] = await cell.ledger.readShard(1);
    await cell.raw.put(plant(entry as LedgerEntry, 'LEDGER#01'));
    expectStray(await cell.verify('ledger'), 'LEDGER#01 / SEQ#000000000001', /not one of the 4 shard/);
  });

  it('reports a leftover in-table digest item', async () => {
    const cell = await sealed();
    await cell.raw.put({ pk: 'LEDGER#DIGEST', sk: minutes(1).toISOString(), shards: [], signature: 'x' });
    expectStray(
      await cell.verify('ledger'),
      `LEDGER#DIGEST / ${minutes(1).toISOString()}`,
      /not one of the 4 shard/,
    );
  });

  it('reports an item of another partition family placed in the ledger index', async () => {
    const cell = await sealed();
    await cell.raw.put({
      pk: 'NOTE#x',
      sk: 'SEQ#000000000001',
      gsi1pk: 'LEDGER',
      gsi1sk: minutes(0).toISOString(),
    });
    expectStray(await cell.verify('ledger'), 'NOTE#x / SEQ#000000000001', /not one of the 4 shard/);
  });

  it('reports a record whose sort key does not match its seq', async () => {
    const cell = await sealed();
    const [entry] = await cell.ledger.readShard(2);
    await cell.raw.put({ ...LEDGER.entryIndexKey(entry as LedgerEntry), ...entry, sk: 'SEQ#1' });
    expectStray(await cell.verify('ledger'), 'LEDGER#2 / SEQ#1', /sort key or shard/);
  });
});

describe('index attributes that disagree with the record', () => {
  it('reports a record whose gsi1sk was moved so that listing by time no longer shows it', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.entryKey(3, 2), 'SET gsi1sk = :s', { ':s': '1999-01-01T00:00:00.000Z#3#2' });
    const inRange = await cell.ledger.query({ from: minutes(-1), to: minutes(1) }, { limit: 100 });
    expect(inRange.entries).toHaveLength(23);
    expectStray(await cell.verify('ledger'), 'LEDGER#3 / SEQ#000000000002', /index attributes disagree/);
  });

  it('reports a record whose gsi1pk was removed', async () => {
    const cell = await sealed();
    await cell.raw.update(LEDGER.entryKey(0, 1), 'REMOVE gsi1pk');
    expectStray(await cell.verify('ledger'), 'LEDGER#0 / SEQ#000000000001', /index attributes disagree/);
  });
});
