import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { HmacDigestSigner } from '../../../shared/adapters/crypto/digest-hmac.js';
import { entryToItem } from '../../../shared/adapters/dynamodb/ledger-items.js';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { computeEntryHash, emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import { createDigest } from '../../../shared/domain/ledger/digest.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { verifyLedger } from '../../../shared/domain/ledger/verify-ledger.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const client = testDynamoClient();
afterAll(() => client.destroy());
const signer = new HmacDigestSigner(Buffer.alloc(32, 1));
const key = (seq: number) => marshall({ pk: 'LEDGER#0', sk: `SEQ#${String(seq).padStart(12, '0')}` });

/** A one-shard ledger of six entries, and a way to write raw items behind its back. */
async function ledger() {
  const tableName = await createTestTable(client, 'tamper');
  const store = new DynamoLedgerStore({ client, tableName, cellId: 'uk', shards: 1 });
  const sealed = await store.append([1, 2, 3, 4, 5, 6].map((i) => syntheticEntry(i)));
  const put = (entry: LedgerEntry) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: entryToItem(entry) }));
  const remove = (seq: number) => client.send(new DeleteItemCommand({ TableName: tableName, Key: key(seq) }));
  return { tableName, store, sealed, put, remove };
}

const shard0 = async (store: DynamoLedgerStore) => (await verifyLedger(store, signer)).shards[0]?.result;

describe('ledger verification on DynamoDB Local', () => {
  it('verifies an untouched ledger', async () => {
    const { store } = await ledger();
    expect(await verifyLedger(store, signer)).toMatchObject({ ok: true, digest: { status: 'absent' } });
  });

  it('detects a field changed with UpdateItem', async () => {
    const { tableName, store } = await ledger();
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key(3),
        UpdateExpression: 'SET destination.#c = :c',
        ExpressionAttributeNames: { '#c': 'country' },
        ExpressionAttributeValues: marshall({ ':c': 'CA' }),
      }),
    );
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 3 });
  });

  it('detects a deleted entry', async () => {
    const { store, remove } = await ledger();
    await remove(4);
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 4 });
  });

  it('detects a deleted last entry against the HEAD item', async () => {
    const { store, remove } = await ledger();
    await remove(6);
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'deleted', firstBadSeq: 6 });
  });

  it('detects a forged entry with a plausible hash inserted in the middle', async () => {
    const { store, sealed, put } = await ledger();
    const prev = sealed[2] as LedgerEntry;
    const forged = sealEntries({ shard: 0, seq: 3, hash: prev.entryHash }, [syntheticEntry(99)])
      .sealed[0] as LedgerEntry;
    for (const entry of sealed.slice(3).reverse()) await put({ ...entry, seq: entry.seq + 1 });
    await put(forged);
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'inserted', firstBadSeq: 4 });
  });

  it('detects a forged entry appended after the head', async () => {
    const { store, sealed, put } = await ledger();
    const last = sealed[5] as LedgerEntry;
    await put(
      sealEntries({ shard: 0, seq: 6, hash: last.entryHash }, [syntheticEntry(99)]).sealed[0] as LedgerEntry,
    );
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'inserted', firstBadSeq: 7 });
  });

  it('detects two entries whose seqs were swapped', async () => {
    const { store, sealed, put } = await ledger();
    const [a, b] = [sealed[1] as LedgerEntry, sealed[2] as LedgerEntry];
    await put({ ...a, seq: 3 });
    await put({ ...b, seq: 2 });
    expect(await shard0(store)).toMatchObject({ ok: false, problem: 'reordered', firstBadSeq: 2 });
  });

  it('catches a wholesale rewrite with fresh hashes through the signed digest', async () => {
    const { tableName, store, sealed, put } = await ledger();
    await createDigest(store, signer, new Date('2026-11-25T12:00:00.000Z'));
    const rewritten = sealEntries(
      emptyHead(0),
      sealed.map((e) => ({ ...e, purpose: 'rewritten' })),
    ).sealed;
    for (const entry of rewritten) await put(entry);
    const last = rewritten[5] as LedgerEntry;
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall({ pk: 'LEDGER#0', sk: 'HEAD', seq: 6, hash: last.entryHash }),
      }),
    );
    const result = await verifyLedger(store, signer);
    expect(result).toMatchObject({ ok: false, digest: { status: 'valid' } });
    expect(result.shards[0]?.result).toMatchObject({ ok: false, problem: 'edited', firstBadSeq: 6 });
  });

  it('rejects a digest whose pinned heads were altered', async () => {
    const { tableName, store } = await ledger();
    const digest = await createDigest(store, signer, new Date('2026-11-25T12:00:00.000Z'));
    const forged = {
      ...digest,
      shards: [{ shard: 0, seq: 2, hash: computeEntryHash((await store.readShard(0))[1] as LedgerEntry) }],
    };
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall({ pk: 'LEDGER#DIGEST', sk: digest.at, ...forged }),
      }),
    );
    expect(await verifyLedger(store, signer)).toMatchObject({
      ok: false,
      digest: { status: 'bad-signature' },
    });
  });

  it('accepts later appends after a digest', async () => {
    const { store } = await ledger();
    await createDigest(store, signer, new Date('2026-11-25T12:00:00.000Z'));
    await store.append([syntheticEntry(7)]);
    expect(await verifyLedger(store, signer)).toMatchObject({ ok: true, digest: { status: 'valid' } });
  });
});
