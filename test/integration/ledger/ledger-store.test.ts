import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { AppError } from '../../../shared/domain/errors.js';
import { verifyChain } from '../../../shared/domain/ledger/verify-chain.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const client = testDynamoClient();
afterAll(() => client.destroy());

async function newStore(shards = 4) {
  const tableName = await createTestTable(client, 'ledger');
  return { tableName, store: new DynamoLedgerStore({ client, tableName, cellId: 'uk', shards }) };
}

describe('DynamoLedgerStore append', () => {
  it('chains appended entries per shard and records each head', async () => {
    const { store } = await newStore(1);
    await store.append([syntheticEntry(1)]);
    await store.append([syntheticEntry(2), syntheticEntry(3)]);
    const entries = await store.readShard(0);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    const [head] = await store.heads();
    expect(verifyChain(entries, { head })).toMatchObject({ ok: true, count: 3 });
  });

  it('round-trips an entry exactly, absent and null fields included', async () => {
    const { store } = await newStore(1);
    const [sealed] = await store.append([
      { ...syntheticEntry(1), mechanism: null, ruleId: null, recipient: {}, noteId: null, noteVersion: null },
    ]);
    expect(await store.readShard(0)).toEqual([sealed]);
  });

  it('puts every entry of a note in the same shard', async () => {
    const { store } = await newStore(4);
    const sealed = await store.append([syntheticEntry(5), { ...syntheticEntry(6), noteId: 'note-5' }]);
    expect(new Set(sealed.map((e) => e.shard)).size).toBe(1);
  });

  it('reads a shard from a seq with a limit', async () => {
    const { store } = await newStore(1);
    await store.append([1, 2, 3, 4, 5].map((i) => syntheticEntry(i)));
    expect((await store.readShard(0, { fromSeq: 2, limit: 3 })).map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it('reports empty shards at seq 0', async () => {
    const { store } = await newStore(2);
    expect((await store.heads()).map((h) => h.seq)).toEqual([0, 0]);
  });

  it('refuses an entry that breaks the schema before writing anything', async () => {
    const { store } = await newStore(1);
    const bad = { ...syntheticEntry(1), at: '25/11/2026' };
    await expect(store.append([bad])).rejects.toMatchObject({
      code: 'internal',
      detail: expect.stringContaining('at'),
    });
    expect(await store.readShard(0)).toEqual([]);
  });
});

describe('DynamoLedgerStore prepareAppend inside a caller transaction', () => {
  it('commits ledger entries together with the caller items', async () => {
    const { tableName, store } = await newStore(1);
    const { items, sealed } = await store.prepareAppend([syntheticEntry(1)]);
    const own = { Put: { TableName: tableName, Item: marshall({ pk: 'NOTE#s#n', sk: 'V#1' }) } };
    await client.send(new TransactWriteItemsCommand({ TransactItems: [own, ...items] }));
    expect(await store.readShard(0)).toEqual(sealed);
  });

  it('refuses a transaction prepared on a head that moved, and says to retry', async () => {
    const { store } = await newStore(1);
    await store.append([syntheticEntry(0)]);
    const stale = await store.prepareAppend([syntheticEntry(1)]);
    await store.append([syntheticEntry(2)]);
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: stale.items }))
      .catch((e: unknown) => e);
    expect(store.isHeadConflict(error, stale.items)).toBe(true);
    expect((await store.readShard(0)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses a second genesis on the same shard', async () => {
    const { store } = await newStore(1);
    const first = await store.prepareAppend([syntheticEntry(1)]);
    const second = await store.prepareAppend([syntheticEntry(2)]);
    await client.send(new TransactWriteItemsCommand({ TransactItems: first.items }));
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: second.items }))
      .catch((e: unknown) => e);
    expect(store.isHeadConflict(error, second.items)).toBe(true);
  });

  it('does not call a failed condition on the caller own item a head conflict', async () => {
    const { tableName, store } = await newStore(1);
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: marshall({ pk: 'MSG#s#w', sk: 'MSG' }) }),
    );
    const { items } = await store.prepareAppend([syntheticEntry(1)]);
    const idempotency = {
      Put: {
        TableName: tableName,
        Item: marshall({ pk: 'MSG#s#w', sk: 'MSG' }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const all = [idempotency, ...items];
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: all }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('TransactionCanceledException');
    expect(store.isHeadConflict(error, all)).toBe(false);
  });
});

describe('DynamoLedgerStore heads and failures', () => {
  it('keeps the HEAD item in step with the chain', async () => {
    const { tableName, store } = await newStore(1);
    const sealed = await store.append([syntheticEntry(1), syntheticEntry(2)]);
    const head = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall({ pk: 'LEDGER#0', sk: 'HEAD' }) }),
    );
    expect(unmarshall(head.Item ?? {})).toMatchObject({ seq: 2, hash: sealed[1]?.entryHash });
  });

  it('turns an unreachable table into storage-unavailable', async () => {
    const store = new DynamoLedgerStore({ client, tableName: 'no-such-table', cellId: 'uk' });
    const error = await store.append([syntheticEntry(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'storage-unavailable' });
  });
});

describe('DynamoLedgerStore appendOnce', () => {
  const recorded = {
    bodyHash: 'b'.repeat(64),
    receipt: {
      noteId: 'note-1',
      version: 1,
      cell: 'uk',
      receivedAt: '2026-11-25T10:00:00.000Z',
      deliveryStatusUrl: 'https://uk.example/v1/status',
    },
  };

  it('appends a movement and its record once; a repeat writes nothing', async () => {
    // Prepare
    const { store } = await newStore(1);
    // Act
    const first = await store.appendOnce('forward#acme#msg_1', [syntheticEntry(1)], recorded);
    const again = await store.appendOnce('forward#acme#msg_1', [syntheticEntry(2)], recorded);
    // Assess
    expect([first, again]).toEqual([true, false]);
    expect((await store.readShard(0)).map((e) => e.seq)).toEqual([1]);
    expect(await store.recordedMovement('forward#acme#msg_1')).toEqual(recorded);
    expect(await store.recordedMovement('forward#acme#msg_2')).toBeUndefined();
  });

  it('keeps the record out of the ledger’s partitions, so verification has nothing stray', async () => {
    // Prepare
    const { store } = await newStore(2);
    await store.appendOnce('forward#acme#msg_1', [syntheticEntry(1)], recorded);
    // Act
    const inventory = await store.inventory();
    // Assess
    expect(inventory.strays).toEqual([]);
    expect([...inventory.shards.values()].flat()).toHaveLength(1);
  });
});
