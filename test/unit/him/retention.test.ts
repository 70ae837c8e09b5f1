import { storeNote } from '../../helpers/stored-notes.js';
import { himFixture } from './fixture.js';

let fx: Awaited<ReturnType<typeof himFixture>>;

beforeAll(async () => {
  fx = await himFixture();
});
afterAll(() => fx.client.destroy());

const body = (res: { body?: string }) => JSON.parse(res.body ?? '{}');
const officer = () => fx.tokens.forRoles(['privacy-officer'], 'GB');
const reviewer = () => fx.tokens.forRoles(['him-reviewer'], 'GB');
const longAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('HIM retention', () => {
  it('runs retention on a privacy officer’s request and shows the report to reviewers', async () => {
    // Prepare
    await storeNote(fx.client, fx.tableName, {
      noteId: 'expired',
      patientRef: 'pt_expired',
      tenant: 'st-marys-trust',
      receivedAt: longAgo(400),
      settledAt: longAgo(399),
      state: 'delivered',
    });
    // Act
    const started = await fx.call('POST', 'retention/run', { token: await officer() });
    const runs = await fx.call('GET', 'retention/runs?limit=5', { token: await reviewer() });
    // Assess
    expect(started.statusCode).toBe(202);
    expect(body(started)).toMatchObject({ requestedBy: 'him:alice' });
    expect(runs.statusCode).toBe(200);
    const [latest] = body(runs).runs;
    expect(latest).toMatchObject({
      cell: 'uk',
      trigger: 'him:alice',
      classes: { noteAfterDelivery: { deleted: 1, held: 0 } },
    });
    expect(runs.body).not.toMatch(/expired|pt_/);
    const audited = await fx.deps.audit.query({ action: 'retention.request' }, { limit: 5 });
    expect(audited.entries).toEqual([expect.objectContaining({ outcome: 'ok', target: 'retention' })]);
  });

  it('refuses a period that ends before it starts with 400, naming the field', async () => {
    const res = await fx.call('GET', 'retention/runs?from=2026-11-30&to=2026-11-01', {
      token: await reviewer(),
    });
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ errors: [{ path: 'from', message: 'from must be before to' }] });
  });

  it('refuses a run to a reviewer with 403', async () => {
    const res = await fx.call('POST', 'retention/run', { token: await reviewer() });
    expect(res.statusCode).toBe(403);
  });

  it('refuses to replay a parked delivery whose note retention removed, with 410, and requeues nothing', async () => {
    // Prepare
    const key = await storeNote(fx.client, fx.tableName, {
      noteId: 'parked-long-ago',
      patientRef: 'pt_parked',
      tenant: 'st-marys-trust',
      receivedAt: longAgo(500),
      settledAt: longAgo(499),
      state: 'parked',
    });
    await fx.call('POST', 'retention/run', { token: await officer() });
    // Act
    const res = await fx.call('POST', `deliveries/${key.senderId}/${key.noteId}/1/replay`, {
      token: await fx.tokens.forRoles(['integration-admin'], 'GB'),
    });
    // Assess
    expect(res.statusCode).toBe(410);
    expect(body(res).type).toBe('https://visitbridge.dev/problems/note-expired');
    expect((await fx.deps.outbox.get(key))?.state).toBe('parked');
  });
});
