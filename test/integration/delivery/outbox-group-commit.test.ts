import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoOutbox } from '../../../shared/adapters/dynamodb/outbox-store.js';
import type { OutboxKey } from '../../../shared/domain/delivery/outbox-item.js';
import type { Transition } from '../../../shared/domain/delivery/transition.js';
import { movementEntry } from '../../../shared/domain/ledger/movement-entry.js';
import { verifyChain } from '../../../shared/domain/ledger/verify-chain.js';
import { randomIds } from '../../../shared/ports/ids.js';
import { fixturePatients, noteEvent } from '../../fixtures/notes.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { storeNote } from '../../helpers/stored-notes.js';

const client = testDynamoClient();
afterAll(() => client.destroy());

const counted: DynamoDBClient[] = [];
afterAll(() => {
  for (const c of counted) c.destroy();
});

/** A client of its own that records the size of every TransactWriteItems it sends. */
function countingClient(): { client: DynamoDBClient; sizes: number[] } {
  const sizes: number[] = [];
  const target = testDynamoClient();
  counted.push(target);
  target.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        sizes.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countTransactions' },
  );
  return { client: target, sizes };
}

const at = '2026-11-30T10:00:00.000Z';
const delivered = (key: OutboxKey, extra: Partial<Transition> = {}): Transition => ({
  key,
  expected: { attempts: 0, deferrals: 0 },
  change: {
    state: 'delivered',
    attempt: { at, step: 'document-create', outcome: 'ok', durationMs: 5 },
    resourceIds: { documentReference: `doc-${key.noteId}` },
    deliveredAt: at,
  },
  at,
  wake: [],
  notWaiting: [],
  ledgerEntries: [],
  callbacks: [],
  ...extra,
});

const egress = (noteId: string) =>
  movementEntry({
    ids: randomIds,
    kind: 'egress',
    decision: { decision: 'allowed', basis: 'rule', ruleId: 'uk-eu.adequacy', reason: 'allowed' },
    at: new Date(at),
    source: { country: 'GB', cell: 'uk' },
    destination: { country: 'DE', cell: 'uk' },
    event: noteEvent({ patient: fixturePatients.uk, noteId }),
    organization: { id: 'st-marys-trust', ehrTarget: 'uk-ehr' },
    patientRef: 'p'.repeat(64),
    senderId: 'demo-telehealth',
    key: { id: 'local:cell-uk', region: 'eu-west-2' },
  });

async function pendingNotes(tableName: string, prefix: string, count: number): Promise<OutboxKey[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      storeNote(client, tableName, {
        noteId: `${prefix}-${i}`,
        patientRef: `pt_${prefix}_${i}`,
        tenant: 'st-marys-trust',
        receivedAt: at,
        state: 'pending',
      }),
    ),
  );
}

describe('delivery steps ready at the same time share one transaction (group commit)', () => {
  it('commits eight concurrent steps in fewer transactions than steps, each whole', async () => {
    // Prepare
    const tableName = await createTestTable(client, 'group');
    const keys = await pendingNotes(tableName, 'g', 8);
    const counting = countingClient();
    const outbox = new DynamoOutbox(counting.client, tableName);
    const { sizes } = counting;
    // Act
    const outcomes = await Promise.all(keys.map((key) => outbox.commit(delivered(key))));
    // Assert
    expect(outcomes).toEqual(keys.map(() => 'committed'));
    expect(sizes.length).toBeLessThan(keys.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(keys.length);
    for (const key of keys) expect((await outbox.get(key))?.state).toBe('delivered');
  });

  it('answers a stale step and still commits the others of its group', async () => {
    // Prepare: the third step expects an attempt count the item no longer has.
    const tableName = await createTestTable(client, 'group-stale');
    const keys = await pendingNotes(tableName, 's', 4);
    const outbox = new DynamoOutbox(client, tableName);
    // Act
    const outcomes = await Promise.all(
      keys.map((key, i) => outbox.commit(delivered(key, i === 2 ? { expected: { attempts: 7 } } : {}))),
    );
    // Assert
    expect(outcomes).toEqual(['committed', 'committed', 'stale', 'committed']);
    const states = await Promise.all(keys.map(async (key) => (await outbox.get(key))?.state));
    expect(states).toEqual(['delivered', 'delivered', 'pending', 'delivered']);
  });

  it('answers a raced step (a guard failed) and commits the rest', async () => {
    // Prepare: the second step wakes a successor that is not waiting.
    const tableName = await createTestTable(client, 'group-raced');
    const keys = await pendingNotes(tableName, 'r', 3);
    const [first, second, third] = keys as [OutboxKey, OutboxKey, OutboxKey];
    const outbox = new DynamoOutbox(client, tableName);
    // Act
    const outcomes = await Promise.all([
      outbox.commit(delivered(first)),
      outbox.commit(delivered(second, { wake: [third] })),
      outbox.commit(delivered(third)),
    ]);
    // Assert: the raced step wrote nothing; `third` was its own step and landed.
    expect(outcomes).toEqual(['committed', 'raced', 'committed']);
    expect((await outbox.get(second))?.state).toBe('pending');
    expect((await outbox.get(third))?.state).toBe('delivered');
  });

  it('never puts two steps that touch one item in the same transaction', async () => {
    // Prepare: two steps for the same item, as a replayed record would make.
    const tableName = await createTestTable(client, 'group-overlap');
    const [key] = (await pendingNotes(tableName, 'o', 1)) as [OutboxKey];
    const counting = countingClient();
    const outbox = new DynamoOutbox(counting.client, tableName);
    const { sizes } = counting;
    // Act
    const outcomes = await Promise.all([outbox.commit(delivered(key)), outbox.commit(delivered(key))]);
    // Assert: one lands, the other finds the item moved on; neither made DynamoDB reject the request.
    expect([...outcomes].sort()).toEqual(['committed', 'stale']);
    expect(sizes.every((size) => size === 1)).toBe(true);
  });

  it('chains the egress entries of a whole group in the ledger, gap-free', async () => {
    // Prepare
    const tableName = await createTestTable(client, 'group-ledger');
    const keys = await pendingNotes(tableName, 'l', 12);
    const ledger = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
    const counting = countingClient();
    const outbox = new DynamoOutbox(counting.client, tableName, ledger);
    const { sizes } = counting;
    // Act
    const outcomes = await Promise.all(
      keys.map((key) => outbox.commit(delivered(key, { ledgerEntries: [egress(key.noteId)] }))),
    );
    // Assert
    expect(outcomes).toEqual(keys.map(() => 'committed'));
    expect(sizes.length).toBeLessThan(keys.length);
    const heads = await ledger.heads();
    const entries = [];
    for (const head of heads) {
      const shard = await ledger.readShard(head.shard);
      expect(verifyChain(shard, { head })).toMatchObject({ ok: true, count: shard.length });
      entries.push(...shard);
    }
    expect(entries.map((e) => e.noteId).sort()).toEqual(keys.map((k) => k.noteId).sort());
  });
});
