import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoAuditLog } from '../../../shared/adapters/dynamodb/audit-log-store.js';
import {
  noteKey,
  PATIENT_INDEX_BACKFILL_KEY,
  PATIENT_INDEX_PROGRESS_KEY,
} from '../../../shared/adapters/dynamodb/keys.js';
import { DynamoLegalHolds } from '../../../shared/adapters/dynamodb/legal-hold-store.js';
import { versionKeyOf } from '../../../shared/adapters/dynamodb/outbox-items.js';
import { DynamoPatientIndex } from '../../../shared/adapters/dynamodb/patient-index.js';
import { DynamoRetentionStore } from '../../../shared/adapters/dynamodb/retention-store.js';
import type { RetentionDays } from '../../../shared/domain/policy/retention.js';
import { RETENTION_ACTION, reportOf, runRetention } from '../../../shared/domain/retention/run.js';
import type { LegalHold } from '../../../shared/ports/legal-holds.js';
import type { RetentionStore } from '../../../shared/ports/retention-store.js';
import { createTestTable, scanAll, testDynamoClient } from '../../helpers/dynamo.js';
import { type StoredNote, storeNote, TEST_SENDER } from '../../helpers/stored-notes.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const DAYS: RetentionDays = {
  noteAfterDelivery: 90,
  parkedNote: 365,
  outboxHistory: 730,
  ledger: 2190,
  audit: 2190,
  digests: 2190,
};
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
/** A note received a day before it settled, `n` days ago. */
const settled = (noteId: string, state: StoredNote['state'], n: number, extra: Partial<StoredNote> = {}) => ({
  noteId,
  patientRef: `pt_${noteId}`,
  tenant: 'st-marys-trust',
  receivedAt: daysAgo(n + 1),
  settledAt: daysAgo(n),
  state,
  ...extra,
});

let client: DynamoDBClient;
beforeAll(() => {
  client = testDynamoClient();
});
afterAll(() => client.destroy());

async function cell() {
  const tableName = await createTestTable(client, 'retention');
  const holds = new DynamoLegalHolds(client, tableName);
  const audit = new DynamoAuditLog({ client, tableName, cellId: 'uk' });
  const store = new DynamoRetentionStore(client, tableName);
  const run = (over: { store?: RetentionStore; now?: Date } = {}) =>
    runRetention(
      {
        cell: 'uk',
        days: DAYS,
        store: over.store ?? store,
        patientIndex: new DynamoPatientIndex(client, tableName),
        holds,
        audit,
        clock: { now: () => over.now ?? NOW },
      },
      'schedule',
    );
  /** The note records left in the table, as `<noteId> <sk>`. */
  const noteRecords = async () =>
    (await scanAll(client, tableName))
      .map((item) => unmarshall(item))
      .filter((item) => String(item.pk).startsWith('NOTE#'))
      .map((item) => `${item.noteId} ${item.sk}`)
      .sort();
  return { tableName, holds, audit, store, run, noteRecords };
}

/** `store`, with some of its methods replaced. */
const storeWith = (store: RetentionStore, over: Partial<RetentionStore>): RetentionStore => ({
  settledNotes: (window) => store.settledNotes(window),
  readNote: (note) => store.readNote(note),
  countChained: (chain, before) => store.countChained(chain, before),
  clearTtl: (note) => store.clearTtl(note),
  mark: (mark) => store.mark(mark),
  countNewestKept: (before) => store.countNewestKept(before),
  remove: (due, version) => store.remove(due, version),
  ...over,
});

const hold = (scope: LegalHold['scope'], subject: string, id: string): LegalHold => ({
  holdId: id,
  scope,
  subject,
  reason: 'Matter LIT-2026-14',
  placedBy: 'him:hana',
  placedAt: daysAgo(1),
});

describe('retention sweeper (DynamoDB Local)', () => {
  it('deletes exactly the records past their period, and reports counts by class', async () => {
    // Prepare
    const c = await cell();
    await storeNote(client, c.tableName, settled('old-delivered', 'delivered', 91));
    await storeNote(client, c.tableName, settled('new-delivered', 'delivered', 89));
    await storeNote(client, c.tableName, settled('old-parked', 'parked', 366));
    await storeNote(client, c.tableName, settled('new-parked', 'parked', 100));
    await storeNote(client, c.tableName, settled('in-flight', 'pending', 1000));
    await storeNote(client, c.tableName, settled('amended', 'delivered', 800));
    await storeNote(client, c.tableName, settled('amended', 'delivered', 800, { version: 2 }));
    // Act
    const report = await c.run();
    // Assess
    expect(await c.noteRecords()).toEqual([
      'amended OUTBOX#V#0000000002',
      'in-flight OUTBOX#V#0000000001',
      'in-flight V#0000000001',
      'new-delivered OUTBOX#V#0000000001',
      'new-delivered V#0000000001',
      'new-parked OUTBOX#V#0000000001',
      'new-parked V#0000000001',
      'old-delivered OUTBOX#V#0000000001',
      'old-parked OUTBOX#V#0000000001',
    ]);
    expect(report.classes).toMatchObject({
      noteAfterDelivery: { deleted: 3, held: 0 },
      parkedNote: { deleted: 1, held: 0 },
      outboxHistory: { deleted: 1, held: 0, eligibleNotDeleted: 1 },
    });
    expect(report.skippedNotes).toBe(0);
  });

  it('reads a note again only once something of it may be due: later runs pass marked notes by', async () => {
    // Prepare
    const c = await cell();
    await storeNote(client, c.tableName, settled('ciphertext-due', 'delivered', 100));
    await storeNote(client, c.tableName, settled('all-due', 'delivered', 800));
    await storeNote(client, c.tableName, settled('recent', 'delivered', 10));
    await storeNote(client, c.tableName, settled('parked', 'parked', 100));
    const reads: string[] = [];
    const counting = storeWith(c.store, {
      readNote: (note) => {
        reads.push(note.noteId);
        return c.store.readNote(note);
      },
    });
    const readsOf = async (now: Date) => {
      const report = await c.run({ store: counting, now });
      return { report, read: reads.splice(0).sort() };
    };
    const marks = async () =>
      Object.fromEntries(
        (await scanAll(client, c.tableName))
          .map((item) => unmarshall(item))
          .filter((item) => String(item.sk).startsWith('OUTBOX#'))
          .map((item) => [item.noteId, [item.retentionMark ?? '-', item.retentionKept ?? '-']]),
      );
    // Act
    const first = await readsOf(NOW);
    const marksAfterFirst = await marks();
    const second = await readsOf(NOW);
    // 700 days on, the first note's history is past its period too, and the parked note's ciphertext.
    const later = await readsOf(new Date(NOW.getTime() + 700 * 86_400_000));
    // Assess
    expect(first.read).toEqual(['all-due', 'ciphertext-due']);
    expect(marksAfterFirst).toEqual({
      'ciphertext-due': ['ciphertext-gone', '-'],
      'all-due': ['newest-kept', 1],
      recent: ['-', '-'],
      parked: ['-', '-'],
    });
    expect(second.read).toEqual([]);
    expect(later.read).toEqual(['ciphertext-due', 'parked', 'recent']);
    expect([first, second, later].map((run) => run.report.notesRead)).toEqual([2, 0, 3]);
    expect(first.report.classes.outboxHistory.eligibleNotDeleted).toBe(1);
    expect(second.report.classes.outboxHistory.eligibleNotDeleted).toBe(1);
    expect(later.report.classes.outboxHistory.eligibleNotDeleted).toBe(3);
    expect(later.report.classes.parkedNote.deleted).toBe(1);
    expect(later.report.classes.noteAfterDelivery.deleted).toBe(1);
    expect(await c.noteRecords()).toEqual([
      'all-due OUTBOX#V#0000000001',
      'ciphertext-due OUTBOX#V#0000000001',
      'parked OUTBOX#V#0000000001',
      'recent OUTBOX#V#0000000001',
    ]);
  });

  it('keeps everything a patient or organisation hold covers, counts it as held, and deletes it once released', async () => {
    // Prepare
    const c = await cell();
    await storeNote(client, c.tableName, settled('patient-held', 'delivered', 200));
    await storeNote(client, c.tableName, settled('org-held', 'delivered', 200, { tenant: 'mercy-health' }));
    await storeNote(client, c.tableName, settled('free', 'delivered', 200));
    await c.holds.place(hold('patient', 'pt_patient-held', '0b7c5a6e-0000-4000-8000-000000000001'));
    await c.holds.place(hold('organization', 'mercy-health', '0b7c5a6e-0000-4000-8000-000000000002'));
    // Act
    const whileHeld = await c.run();
    const keptWhileHeld = await c.noteRecords();
    await c.holds.release('0b7c5a6e-0000-4000-8000-000000000001', 'him:hana', NOW.toISOString());
    const afterRelease = await c.run();
    // Assess
    expect(keptWhileHeld).toEqual(
      expect.arrayContaining(['patient-held V#0000000001', 'org-held V#0000000001']),
    );
    expect(keptWhileHeld).not.toContain('free V#0000000001');
    expect(whileHeld.classes.noteAfterDelivery).toEqual({ deleted: 1, held: 2, eligibleNotDeleted: 0 });
    expect(afterRelease.classes.noteAfterDelivery).toEqual({ deleted: 1, held: 1, eligibleNotDeleted: 0 });
    expect(await c.noteRecords()).toContain('org-held V#0000000001');
    expect(await c.noteRecords()).not.toContain('patient-held V#0000000001');
  });

  it('takes off a held note the TTL an older release set on delivery, so it cannot expire on its own', async () => {
    // Prepare
    const c = await cell();
    const key = await storeNote(client, c.tableName, settled('legacy', 'delivered', 200));
    const version = versionKeyOf(key);
    await client.send(
      new UpdateItemCommand({
        TableName: c.tableName,
        Key: marshall(version),
        UpdateExpression: 'SET expiresAt = :at',
        ExpressionAttributeValues: marshall({ ':at': Math.floor(NOW.getTime() / 1000) + 86_400 }),
      }),
    );
    await c.holds.place(hold('patient', 'pt_legacy', '0b7c5a6e-0000-4000-8000-000000000004'));
    // Act
    await c.run();
    // Assess
    const item = await client.send(new GetItemCommand({ TableName: c.tableName, Key: marshall(version) }));
    expect(item.Item).toBeDefined();
    expect(item.Item?.expiresAt).toBeUndefined();
  });

  it('lets a hold placed during a run win: the deletion decided before it is cancelled', async () => {
    // Prepare
    const c = await cell();
    await storeNote(client, c.tableName, settled('raced', 'delivered', 200));
    let placed = false;
    const placingStore = storeWith(c.store, {
      remove: async (due, version) => {
        if (!placed) {
          placed = true;
          await c.holds.place(hold('patient', 'pt_raced', '0b7c5a6e-0000-4000-8000-000000000003'));
        }
        return c.store.remove(due, version);
      },
    });
    // Act
    const report = await c.run({ store: placingStore });
    // Assess
    expect(await c.noteRecords()).toContain('raced V#0000000001');
    expect(report.classes.noteAfterDelivery).toEqual({ deleted: 0, held: 1, eligibleNotDeleted: 0 });
  });

  it('counts ledger and audit entries past their period without deleting any, and audits the run without ids', async () => {
    // Prepare
    const c = await cell();
    const entry = (at: string) => ({
      at,
      actor: 'him:hana',
      role: 'him-reviewer',
      action: 'ledger.list',
      target: 'ledger',
      sourceIp: '198.51.100.7',
      outcome: 'ok',
    });
    await c.audit.append(entry(daysAgo(2200)));
    await c.audit.append(entry(daysAgo(10)));
    await storeNote(client, c.tableName, settled('gone', 'delivered', 100));
    // Act
    const report = await c.run();
    // Assess
    expect(report.classes.audit).toEqual({ deleted: 0, held: 0, eligibleNotDeleted: 1 });
    expect(report.classes.ledger).toEqual({ deleted: 0, held: 0, eligibleNotDeleted: 0 });
    expect(report.uncounted).toEqual(['digests']);
    const { entries } = await c.audit.query({ action: RETENTION_ACTION }, { limit: 10 });
    expect(entries).toHaveLength(1);
    const [run] = entries;
    expect(run).toMatchObject({ actor: 'system:retention', action: 'retention.run', outcome: 'ok' });
    expect(run?.target).not.toMatch(/gone|pt_|st-marys/);
    expect(reportOf(run as NonNullable<typeof run>, 'uk')).toEqual(report);
    expect((await c.audit.query({ action: 'ledger.list' }, { limit: 10 })).entries).toHaveLength(2);
  });

  it('puts notes a release before per-patient keys stored into the patient index, once, and reports how many', async () => {
    // Prepare: two versions stored as that release did (no patient key id, no index entry), one as today.
    const c = await cell();
    const keys = [
      await storeNote(client, c.tableName, settled('before-1', 'delivered', 10)),
      await storeNote(client, c.tableName, settled('before-1', 'delivered', 10, { version: 2 })),
    ];
    await storeNote(client, c.tableName, settled('today', 'delivered', 10));
    for (const key of keys) {
      await client.send(
        new UpdateItemCommand({
          TableName: c.tableName,
          Key: marshall(noteKey(key.senderId, key.noteId, key.version, false)),
          UpdateExpression: 'REMOVE patientKeyId, gsi2pk, gsi2sk',
        }),
      );
    }
    const index = new DynamoPatientIndex(client, c.tableName);
    expect(await index.holdsNotesOf('pt_before-1')).toBe(false);

    // Act
    const first = await c.run();
    const second = await c.run();

    // Assess: both versions indexed as ingest indexes, in the report and its audit entry; the second run reads nothing.
    expect(first.indexedNotes).toBe(2);
    expect(second.indexedNotes).toBe(0);
    expect(await index.holdsNotesOf('pt_before-1')).toBe(true);
    const stored = (await scanAll(client, c.tableName))
      .map((i) => unmarshall(i))
      .filter((i) => i.type === 'note');
    const today = stored.find((i) => i.noteId === 'today');
    for (const version of stored.filter((i) => i.noteId === 'before-1')) {
      expect(version.gsi2pk).toBe('PATIENT#pt_before-1');
      expect(version.gsi2sk).toBe(
        `${version.receivedAt}#${version.senderId}#before-1#${String(version.version).padStart(10, '0')}`,
      );
    }
    expect(today?.gsi2sk).toMatch(/#today#0000000001$/);
    const runs = (await c.audit.query({ action: RETENTION_ACTION }, { limit: 10 })).entries;
    expect(runs.map((e) => reportOf(e, 'uk')?.indexedNotes).sort()).toEqual([0, 2]);
    // Past the marker no run scans: a version left unindexed now stays so (no writer makes one any more).
    await client.send(
      new UpdateItemCommand({
        TableName: c.tableName,
        Key: marshall(noteKey(TEST_SENDER, 'today', 1, false)),
        UpdateExpression: 'REMOVE gsi2pk',
      }),
    );
    expect(await index.indexUnindexedNotes(NOW.toISOString())).toEqual({ indexed: 0, complete: true });
  });

  it('indexes a large pre-release table over several calls, each going on from where the last stopped', async () => {
    // Prepare: five notes of a release before the patient index, and a scan of two items a page.
    const c = await cell();
    const ids = ['a', 'b', 'c', 'd', 'e'].map((n) => `legacy-${n}`);
    for (const noteId of ids) await storeNote(client, c.tableName, settled(noteId, 'delivered', 10));
    for (const noteId of ids)
      await client.send(
        new UpdateItemCommand({
          TableName: c.tableName,
          Key: marshall(noteKey(TEST_SENDER, noteId, 1, false)),
          UpdateExpression: 'REMOVE patientKeyId, gsi2pk, gsi2sk',
        }),
      );
    const index = new DynamoPatientIndex(client, c.tableName, 2);
    // Act: calls with no time to spare read one page each.
    const calls = [];
    for (let call = 0; call < 50; call++) {
      const progress = await index.indexUnindexedNotes(NOW.toISOString(), 0);
      calls.push(progress);
      if (progress.complete) break;
    }
    const after = await index.indexUnindexedNotes(NOW.toISOString(), 0);
    // Assess
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.slice(0, -1).every((p) => !p.complete)).toBe(true);
    expect(calls.reduce((sum, p) => sum + p.indexed, 0)).toBe(ids.length);
    expect(after).toEqual({ indexed: 0, complete: true });
    for (const noteId of ids) expect(await index.holdsNotesOf(`pt_${noteId}`)).toBe(true);
    const maintenance = async (key: Record<string, string>) =>
      (
        await client.send(
          new GetItemCommand({ TableName: c.tableName, Key: marshall(key), ConsistentRead: true }),
        )
      ).Item;
    expect(unmarshall((await maintenance(PATIENT_INDEX_BACKFILL_KEY)) ?? {})).toMatchObject({
      completedAt: NOW.toISOString(),
    });
    expect(await maintenance(PATIENT_INDEX_PROGRESS_KEY)).toBeUndefined();
  });

  it('reads a run an older release audited, without the backfill count, as having indexed nothing', async () => {
    const c = await cell();
    const report = await c.run();
    const [audited] = (await c.audit.query({ action: RETENTION_ACTION }, { limit: 1 })).entries;
    if (!audited) throw new Error('the run was not audited');
    const { indexedNotes: _, notesRead: _read, cell: _cell, at: _at, ...older } = report;
    const entry = { ...audited, target: `retention:${JSON.stringify(older)}` };
    const { notesRead: _none, ...withoutReads } = report;
    expect(reportOf(entry, 'uk')).toStrictEqual({ ...withoutReads, indexedNotes: 0 });
    expect(reportOf(audited, 'uk')?.notesRead).toBe(0);
  });
});
