import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { himFixture } from './fixture.js';

/**
 * The HIM action id (`X-HIM-Action`): one user action of the console sends one id
 * to every cell it reaches; each cell validates it, records it in the audit entry,
 * and keeps one entry per action however often a read of it is repeated.
 */
let fx: Awaited<ReturnType<typeof himFixture>>;
beforeAll(async () => {
  fx = await himFixture();
});
afterAll(() => fx.client.destroy());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every entry of this cell's audit log, oldest first. */
const allEntries = (): Promise<AuditEntry[]> => fx.deps.audit.readShard(0);

/** The entries recorded for one action id, read straight from the store. */
async function entriesOf(actionId: string): Promise<AuditEntry[]> {
  return (await allEntries()).filter((e) => e.actionId === actionId);
}

const withAction = (actionId: string) => ({ 'X-HIM-Action': actionId });

describe('the X-HIM-Action header', () => {
  it('answers 400 problem+json naming the header for a value that is not a UUID, and records nothing', async () => {
    // Prepare
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const before = (await allEntries()).length;
    // Act
    const res = await fx.call('GET', 'ledger', { token, headers: withAction('not-a-uuid') });
    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toMatch(/application\/problem\+json/);
    const problem = JSON.parse(res.body ?? '{}') as Record<string, unknown>;
    expect(problem).toMatchObject({
      type: 'https://visitbridge.dev/problems/invalid-action-id',
      header: 'X-HIM-Action',
    });
    expect(String(problem.detail)).toMatch(/x-him-action/i);
    expect((await allEntries()).length).toBe(before);
  });

  it('is allowed by the preflight, so the console can send it from another origin', async () => {
    const res = await fx.call('OPTIONS', 'ledger', { headers: { origin: 'https://console.test' } });
    expect(res.statusCode).toBe(204);
    expect(String(res.headers?.['access-control-allow-headers']).split(/,\s*/)).toContain('x-him-action');
  });

  it('is recorded, in lower case, as the actionId of the audit entry', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const id = randomUUID();
    const res = await fx.call('GET', 'ledger', { token, headers: withAction(id.toUpperCase()) });
    expect(res.statusCode).toBe(200);
    expect(await entriesOf(id)).toEqual([expect.objectContaining({ action: 'ledger.list', outcome: 'ok' })]);
  });

  it('is made by the cell when the caller sends none, a new one per call', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const before = (await allEntries()).length;
    await fx.call('GET', 'corridors', { token });
    await fx.call('GET', 'corridors', { token });
    const added = (await allEntries()).slice(before);
    expect(added).toHaveLength(2);
    for (const e of added) expect(e.actionId).toMatch(UUID);
    expect(added[0]?.actionId).not.toBe(added[1]?.actionId);
  });
});

describe('one audit entry per HIM action in a cell', () => {
  it('records every call of a repeated read, each under the one action id that groups them', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const id = randomUUID();
    for (let i = 0; i < 3; i++) {
      const res = await fx.call('GET', 'deliveries?state=parked', { token, headers: withAction(id) });
      expect(res.statusCode).toBe(200);
    }
    const entries = await entriesOf(id);
    expect(entries).toHaveLength(3);
    expect(new Set(entries.map((e) => e.actionId))).toEqual(new Set([id]));
  });

  it('records each call of one action that reads something else, or ends otherwise, as its own entry', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const id = randomUUID();
    await fx.call('GET', 'deliveries?state=parked', { token, headers: withAction(id) });
    await fx.call('GET', 'deliveries?state=delivered', { token, headers: withAction(id) });
    await fx.call('GET', 'deliveries?state=nonsense', { token, headers: withAction(id) });
    expect((await entriesOf(id)).map((e) => `${e.target} ${e.outcome}`)).toEqual([
      'deliveries?state=parked ok',
      'deliveries?state=delivered ok',
      'deliveries?state=nonsense invalid-query',
    ]);
  });

  it('records every change, even repeated with the same action id', async () => {
    const token = await fx.tokens.forRoles(['integration-admin']);
    const id = randomUUID();
    for (let i = 0; i < 2; i++) await fx.call('POST', 'ledger/digest', { token, headers: withAction(id) });
    expect(await entriesOf(id)).toHaveLength(2);
  });

  it('records every note view, even repeated with the same action id, with the viewer country', async () => {
    const token = await fx.tokens.forRoles(['privacy-officer'], 'GB');
    const id = randomUUID();
    for (let i = 0; i < 2; i++)
      await fx.call('GET', 'notes/demo/no-such-note/1?purpose=treatment', { token, headers: withAction(id) });
    expect(await entriesOf(id)).toEqual([
      expect.objectContaining({ action: 'notes.view', purpose: 'treatment', viewerCountry: 'GB' }),
      expect.objectContaining({ action: 'notes.view', purpose: 'treatment', viewerCountry: 'GB' }),
    ]);
  });

  it('records a note view refused for an unknown viewer country without a country', async () => {
    const token = await fx.tokens.forRoles(['privacy-officer']);
    const id = randomUUID();
    const res = await fx.call('GET', 'notes/demo/n-1/1?purpose=treatment', {
      token,
      headers: withAction(id),
    });
    expect(res.statusCode).toBe(403);
    const [entry] = await entriesOf(id);
    expect(entry).toMatchObject({ action: 'notes.view', outcome: 'viewer-country-unknown' });
    expect(entry).not.toHaveProperty('viewerCountry');
  });

  it('verifies the ledger and the audit log in one call, one entry', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const id = randomUUID();
    const res = await fx.call('GET', 'integrity/verify', { token, headers: withAction(id) });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({
      ledger: { chain: 'ledger', cell: 'uk' },
      audit: { chain: 'audit', cell: 'uk' },
    });
    expect((await entriesOf(id)).map((e) => e.action)).toEqual(['integrity.verify']);
  });
});

describe('GET audit?actionId', () => {
  it('lists exactly the entries of one action, each carrying its actionId', async () => {
    // Prepare
    const reviewer = await fx.tokens.forRoles(['him-reviewer']);
    const id = randomUUID();
    await fx.call('GET', 'ledger', { token: reviewer, headers: withAction(id) });
    await fx.call('GET', 'corridors', { token: reviewer, headers: withAction(id) });
    await fx.call('GET', 'ledger', { token: reviewer, headers: withAction(randomUUID()) });
    // Act
    const res = await fx.call('GET', `audit?actionId=${id}`, { token: reviewer });
    // Assess
    expect(res.statusCode).toBe(200);
    const { entries } = JSON.parse(res.body ?? '{}') as { entries: AuditEntry[] };
    expect(entries.map((e) => `${e.actionId} ${e.action}`).sort()).toEqual([
      `${id} corridors.summary`,
      `${id} ledger.list`,
    ]);
  });

  it('answers 400 naming the parameter for an action id that is not a UUID', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const res = await fx.call('GET', 'audit?actionId=123', { token });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/actionId/);
  });
});
