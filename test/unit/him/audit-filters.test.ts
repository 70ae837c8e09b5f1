import type { UnsealedAuditEntry } from '../../../shared/domain/audit/entry.js';
import { himFixture } from './fixture.js';

let fx: Awaited<ReturnType<typeof himFixture>>;
const entry = (over: Partial<UnsealedAuditEntry>): UnsealedAuditEntry => ({
  at: '2026-11-20T10:00:00.000Z',
  actor: 'him:alice',
  role: 'him-reviewer',
  action: 'ledger.list',
  target: 'ledger',
  sourceIp: '198.51.100.7',
  outcome: 'ok',
  ...over,
});

beforeAll(async () => {
  fx = await himFixture();
  for (const e of [
    entry({
      actor: 'him:po-1',
      role: 'privacy-officer',
      action: 'notes.view',
      target: 'note:demo/n-1/1/version',
      purpose: 'treatment',
    }),
    entry({
      actor: 'him:po-1',
      role: 'privacy-officer',
      action: 'notes.view',
      target: 'note:demo/n-2/1/version',
      purpose: 'legal',
    }),
    entry({
      actor: 'him:po-2',
      role: 'privacy-officer',
      action: 'notes.view',
      target: 'note:demo/n-1/2/version',
      purpose: 'treatment',
      outcome: 'transfer-denied',
    }),
    entry({
      at: '2026-10-01T10:00:00.000Z',
      actor: 'him:po-1',
      role: 'privacy-officer',
      action: 'notes.view',
      target: 'note:demo/n-1/1/version',
      purpose: 'treatment',
    }),
    entry({}),
  ])
    await fx.deps.audit.append(e);
});
afterAll(() => fx.client.destroy());

/** The audit entries the API lists for `query` (the caller's own `audit.list` entries left out), as actor/target/purpose. */
async function listed(query: string): Promise<string[]> {
  const token = await fx.tokens.forRoles(['him-reviewer']);
  const res = await fx.call('GET', `audit?from=2026-11-01&to=2026-11-30&${query}`, { token });
  expect(res.statusCode).toBe(200);
  const { entries } = JSON.parse(res.body ?? '{}') as { entries: UnsealedAuditEntry[] };
  return entries
    .filter((e) => e.action !== 'audit.list')
    .map((e) => `${e.actor} ${e.target} ${e.purpose ?? '-'} ${e.outcome}`);
}

describe('HIM audit log filters', () => {
  it('lists exactly the PHI reads of one viewer for one purpose in the period', async () => {
    expect(await listed('actor=him:po-1&action=notes.view&purpose=treatment')).toEqual([
      'him:po-1 note:demo/n-1/1/version treatment ok',
    ]);
  });

  it('lists every read of one note by target prefix, whoever read it and however it ended', async () => {
    expect(await listed('target=note:demo/n-1/')).toEqual([
      'him:po-1 note:demo/n-1/1/version treatment ok',
      'him:po-2 note:demo/n-1/2/version treatment transfer-denied',
    ]);
  });

  it('filters by role and by outcome', async () => {
    expect(await listed('role=privacy-officer&outcome=transfer-denied')).toEqual([
      'him:po-2 note:demo/n-1/2/version treatment transfer-denied',
    ]);
  });

  it('answers 400 naming the parameter for a purpose or role it does not know', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    for (const query of ['purpose=curiosity', 'role=admin']) {
      const res = await fx.call('GET', `audit?${query}`, { token });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(new RegExp(query.split('=')[0] ?? ''));
    }
  });
});
