import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { CSV_COLUMNS } from '../../../shared/domain/ledger/export.js';
import { fixturePatients } from '../../fixtures/notes.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { cellTable, himClient, ledgerOf, outboxOf, park, postNote } from './helpers.js';

let stack: TestStack;
let him: ReturnType<typeof himClient>;
const R = ['him-reviewer'] as const;
const P = ['privacy-officer'] as const;
const A = ['integration-admin'] as const;

beforeAll(async () => {
  stack = await startTestStack();
  him = himClient(stack);
  // Seven synthetic movements in the uk ledger: 5 allowed uk→us, 2 denied uk→eu, one minute apart.
  const ledger = ledgerOf(stack, 'uk');
  for (let i = 0; i < 7; i += 1) {
    const entry = syntheticEntry(i, new Date(Date.UTC(2026, 10, 25, 10, i)));
    await ledger.append([
      i < 5
        ? entry
        : { ...entry, decision: 'denied', destination: { country: 'DE', cell: 'eu' }, mechanism: null },
    ]);
  }
});
afterAll(() => stack.dispose());

describe('HIM API ledger', () => {
  it('lists entries with a corridor filter, page by page with the cursor', async () => {
    // Act
    const first = await (await him('uk', 'GET', 'ledger?corridor=uk:us&limit=3', { roles: [...R] })).json();
    const second = await (
      await him('uk', 'GET', `ledger?corridor=uk:us&limit=3&cursor=${first.nextCursor}`, { roles: [...R] })
    ).json();
    // Assess
    expect(first.entries.map((e: { noteId: string }) => e.noteId)).toEqual(['note-0', 'note-1', 'note-2']);
    expect(second.entries.map((e: { noteId: string }) => e.noteId)).toEqual(['note-3', 'note-4']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('filters by decision and time range', async () => {
    const res = await him(
      'uk',
      'GET',
      'ledger?decision=denied&from=2026-11-25T10:06:00Z&to=2026-11-25T11:00:00Z',
      { roles: [...P] },
    );
    expect((await res.json()).entries.map((e: { noteId: string }) => e.noteId)).toEqual(['note-6']);
  });

  it('refuses a bad filter with 400 naming the parameter', async () => {
    const res = await him('uk', 'GET', 'ledger?kind=teleport&limit=5000', { roles: [...R] });
    expect(res.status).toBe(400);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['kind', 'limit']));
  });

  it('exports CSV as an attachment named after the cell', async () => {
    const res = await him('uk', 'GET', 'ledger/export?format=csv&corridor=uk:us', { roles: [...R] });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="ledger-uk-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = (await res.text()).trimEnd().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(6);
  });

  it('exports NDJSON that carries the hashes', async () => {
    const res = await him('uk', 'GET', 'ledger/export?format=ndjson&decision=denied', { roles: [...P] });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.noteId)).toEqual(['note-5', 'note-6']);
    expect(lines[0].entryHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the ledger against its digest chain, seals it on demand, and serves the digests and key', async () => {
    // Prepare: entries written since the start-up digest are unsealed
    // (they are back-dated a few days, so they are also past the sealing deadline until sealed)
    const before = await (await him('uk', 'GET', 'ledger/verify', { roles: [...R] })).json();
    expect(before).toMatchObject({
      chain: 'ledger',
      cell: 'uk',
      digests: { ok: true },
      unsealed: { ok: false },
    });
    expect(before.unsealed.count).toBeGreaterThanOrEqual(7);
    // Act
    const sealed = await him('uk', 'POST', 'ledger/digest', { roles: [...A] });
    const after = await (await him('uk', 'GET', 'ledger/verify', { roles: [...R] })).json();
    const digests = await (await him('uk', 'GET', 'ledger/digests', { roles: [...R] })).json();
    const key = await (await him('uk', 'GET', 'integrity/public-key', { roles: [...R] })).json();
    // Assess
    expect(sealed.status).toBe(201);
    const summary = await sealed.json();
    expect(summary).toMatchObject({ chain: 'ledger', cell: 'uk', seq: before.digests.count + 1 });
    expect(summary.shards).toHaveLength(4);
    expect(after).toMatchObject({ ok: true, unsealed: { count: 0 }, digests: { count: summary.seq } });
    expect(digests.objects.at(-1).name).toBe(`${String(summary.seq).padStart(12, '0')}.json`);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('refuses sealing to a reviewer with 403', async () => {
    const res = await him('uk', 'POST', 'ledger/digest', { roles: [...R] });
    expect(res.status).toBe(403);
  });

  it('summarises corridors per day', async () => {
    const res = await him('uk', 'GET', 'corridors?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z', {
      roles: [...R],
    });
    expect((await res.json()).rows).toEqual([
      {
        day: '2026-11-25',
        from: 'uk',
        to: 'eu',
        kind: 'egress',
        mechanism: null,
        decision: 'denied',
        count: 2,
      },
      {
        day: '2026-11-25',
        from: 'uk',
        to: 'us',
        kind: 'egress',
        mechanism: 'eu-us-dpf',
        decision: 'allowed',
        count: 5,
      },
    ]);
  });
});

describe('HIM API note view', () => {
  it('shows a note to a privacy officer abroad when the policy allows, with a ledger entry and a PHI-access audit entry', async () => {
    // Prepare
    const event = await postNote(stack, 'uk', 'view-uk-1');
    // Act
    const res = await him('uk', 'GET', `notes/${DEMO_SENDER_ID}/view-uk-1/1?purpose=legal`, {
      roles: [...P],
      country: 'DE',
      user: 'po-berlin',
    });
    // Assess
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ noteId: 'view-uk-1', version: 1 });
    expect(body.event.note.text).toBe(event.note.text);
    const { identifiers } = fixturePatients.uk;
    const patient = encodeURIComponent(`${identifiers[0]?.system}|${identifiers[0]?.value}`);
    const ledger = await (
      await him('uk', 'GET', `ledger?kind=remote-access&patient=${patient}`, { roles: [...R] })
    ).json();
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.entries[0]).toMatchObject({
      decision: 'allowed',
      source: { country: 'GB', cell: 'uk' },
      destination: { country: 'DE', cell: 'eu' },
      ruleId: 'uk-eu.adequacy',
      purpose: 'legal',
      noteId: 'view-uk-1',
      actor: 'him:po-berlin',
    });
    const audit = await (await him('uk', 'GET', 'audit?limit=200', { roles: [...R] })).json();
    expect(audit.entries).toContainEqual(
      expect.objectContaining({
        actor: 'him:po-berlin',
        role: 'privacy-officer',
        action: 'notes.view',
        target: `note:${DEMO_SENDER_ID}/view-uk-1/1/version`,
        purpose: 'legal',
        outcome: 'ok',
      }),
    );
    expect(JSON.stringify(audit)).not.toContain(identifiers[0]?.value);
  });

  it('refuses an AU note to a viewer in the US with 451 and records the denied remote access', async () => {
    await postNote(stack, 'au', 'view-au-1');
    const res = await him('au', 'GET', `notes/${DEMO_SENDER_ID}/view-au-1/1?purpose=treatment`, {
      roles: [...P],
      country: 'US',
    });
    expect(res.status).toBe(451);
    expect(await res.text()).not.toContain(fixturePatients.au.name.given[0]);
    const ledger = await (await him('au', 'GET', 'ledger?kind=remote-access', { roles: [...R] })).json();
    expect(ledger.entries).toEqual([
      expect.objectContaining({
        decision: 'denied',
        noteId: 'view-au-1',
        destination: { country: 'US', cell: 'us' },
      }),
    ]);
    const audit = await (await him('au', 'GET', 'audit', { roles: [...R] })).json();
    expect(audit.entries[0]).toMatchObject({ action: 'notes.view', outcome: 'transfer-denied' });
  });

  it('refuses a privacy officer whose token has no country, records no movement and shows nothing', async () => {
    const event = await postNote(stack, 'uk', 'view-uk-nowhere');
    const res = await him('uk', 'GET', `notes/${DEMO_SENDER_ID}/view-uk-nowhere/1?purpose=treatment`, {
      roles: [...P],
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.text();
    expect(body).toMatch(/viewer-country-unknown/);
    expect(body).not.toContain(event.note.text);
    const ledger = await (await him('uk', 'GET', 'ledger?noteId=view-uk-nowhere', { roles: [...R] })).json();
    expect(ledger.entries.filter((e: { kind: string }) => e.kind === 'remote-access')).toEqual([]);
  });

  it('refuses note view to a reviewer with 403', async () => {
    const res = await him('uk', 'GET', `notes/${DEMO_SENDER_ID}/view-uk-1/1`, { roles: [...R] });
    expect(res.status).toBe(403);
  });

  it('answers 404 for a note the cell does not hold', async () => {
    const res = await him('uk', 'GET', `notes/${DEMO_SENDER_ID}/no-such-note/1?purpose=treatment`, {
      roles: [...P],
      country: 'GB',
    });
    expect(res.status).toBe(404);
  });
});

describe('HIM API deliveries', () => {
  it('lists a parked delivery without PHI and shows its history', async () => {
    await postNote(stack, 'ca', 'park-ca-1');
    await park(stack, 'ca', 'park-ca-1', '2026-11-25T12:00:00.000Z');
    const list = await (await him('ca', 'GET', 'deliveries?state=parked', { roles: [...R] })).json();
    expect(list.items).toContainEqual(
      expect.objectContaining({
        noteId: 'park-ca-1',
        state: 'parked',
        parkReason: 'rejected',
        ehrTarget: 'ca-ehr',
      }),
    );
    const { name, identifiers } = fixturePatients.ca;
    expect(JSON.stringify(list)).not.toMatch(new RegExp(`${name.family}|${identifiers[0]?.value}`));
    const one = await (
      await him('ca', 'GET', `deliveries/${DEMO_SENDER_ID}/park-ca-1/1`, { roles: [...A] })
    ).json();
    expect(one.history.at(-1)).toMatchObject({
      step: 'document-create',
      outcome: 'rejected',
      httpStatus: 422,
    });
  });

  it('replays a parked delivery once (202), then answers 409 because it is no longer parked', async () => {
    await postNote(stack, 'ca', 'park-ca-2');
    await park(stack, 'ca', 'park-ca-2', '2026-11-25T12:30:00.000Z');
    const path = `deliveries/${DEMO_SENDER_ID}/park-ca-2/1/replay`;
    const first = await him('ca', 'POST', path, { roles: [...A], body: {} });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ requeued: true });
    expect(
      (
        await outboxOf(stack, 'ca').get({
          senderId: DEMO_SENDER_ID,
          noteId: 'park-ca-2',
          version: 1,
          eventKind: 'finalized',
        })
      )?.state,
    ).not.toBe('parked');
    expect((await him('ca', 'POST', path, { roles: [...A], body: {} })).status).toBe(409);
  });

  it('counts parked deliveries in a range on a dry run and replays them otherwise', async () => {
    await postNote(stack, 'eu', 'park-eu-1');
    await park(stack, 'eu', 'park-eu-1', '2026-11-20T08:00:00.000Z');
    const range = { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' };
    const dry = await him('eu', 'POST', 'deliveries/replay', {
      roles: [...A],
      body: { ...range, dryRun: true },
    });
    expect(await dry.json()).toEqual({ count: 1 });
    const wet = await him('eu', 'POST', 'deliveries/replay', {
      roles: [...A],
      body: { ...range, dryRun: false },
    });
    expect(await wet.json()).toEqual({ requeued: 1, denied: 0, expired: 0 });
  });

  it('refuses replay to a reviewer with 403', async () => {
    const res = await him('ca', 'POST', 'deliveries/replay', { roles: [...R, ...P], body: {} });
    expect(res.status).toBe(403);
  });
});

describe('HIM API audit log', () => {
  it('verifies the audit chain, then detects a tampered entry and names its seq', async () => {
    // Prepare: a few audited calls in the us cell
    for (let i = 0; i < 3; i += 1) await him('us', 'GET', 'ledger', { roles: [...R] });
    const ok = await (await him('us', 'GET', 'audit/verify', { roles: [...R] })).json();
    expect(ok).toMatchObject({ ok: true, chain: 'audit', cell: 'us' });
    // Act: someone with table access rewrites who made audit entry 2
    await stack.dynamoClient.send(
      new UpdateItemCommand({
        TableName: cellTable(stack, 'us'),
        Key: marshall({ pk: 'AUDIT#0', sk: 'SEQ#000000000002' }),
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: marshall({ ':a': 'him:someone-else' }),
      }),
    );
    const bad = await (await him('us', 'GET', 'audit/verify', { roles: [...P] })).json();
    // Assess
    expect(bad.ok).toBe(false);
    expect(bad.shards[0]).toMatchObject({ shard: 0, ok: false, firstBadSeq: 2, problem: 'edited' });
  });

  it('pages through audit entries with a cursor', async () => {
    const first = await (await him('us', 'GET', 'audit?limit=2', { roles: [...R] })).json();
    expect(first.entries).toHaveLength(2);
    const next = await (
      await him('us', 'GET', `audit?limit=2&cursor=${first.nextCursor}`, { roles: [...R] })
    ).json();
    expect(next.entries[0].seq).toBe(first.entries[1].seq + 1);
  });
});
