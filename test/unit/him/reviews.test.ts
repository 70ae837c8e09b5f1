import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import { movementRecord } from '../../../shared/domain/ledger/movement-entry.js';
import type { MovementDecision } from '../../../shared/domain/policy/decide.js';
import { randomIds } from '../../../shared/ports/ids.js';
import { himFixture } from './fixture.js';

let fx: Awaited<ReturnType<typeof himFixture>>;
const allowed: MovementDecision = {
  decision: 'allowed',
  basis: 'rule',
  ruleId: 'uk-us.idta',
  mechanism: { type: 'idta', reference: 'IDTA 2022' },
  reason: 'egress uk → us allowed by rule uk-us.idta',
};
const movement = (n: number, destination = { country: 'US', cell: 'us' }): UnsealedEntry =>
  movementRecord({
    ids: randomIds,
    kind: 'egress',
    decision: allowed,
    at: new Date(`2026-11-2${n % 10}T10:00:00.000Z`),
    source: { country: 'GB', cell: 'uk' },
    destination,
    recipient: { organization: 'st-marys-trust', ehrTarget: 'us-ehr' },
    purpose: 'treatment',
    note: { id: `n-${n}`, version: 1, loincType: '11506-3' },
    patientRef: 'p'.repeat(64),
    actor: 'system:deliver',
    key: { id: 'local:cell-uk', region: 'eu-west-2' },
  });

/** Ledger positions `<shard>:<seq>` of movements n-1 … n-5. */
let refs: string[] = [];

beforeAll(async () => {
  fx = await himFixture();
  const sealed = await fx.deps.ledger.append([
    movement(1),
    movement(2),
    movement(3),
    movement(4),
    movement(5, { country: 'DE', cell: 'eu' }),
  ]);
  // Appends group entries by shard: order the refs by note, as the movements were made.
  const byNote = new Map(sealed.map((e) => [e.noteId, `${e.shard}:${e.seq}`]));
  refs = [1, 2, 3, 4, 5].map((n) => byNote.get(`n-${n}`) ?? '');
});
afterAll(() => fx.client.destroy());

const reviewer = () => fx.tokens.forRoles(['him-reviewer']);
const officer = () => fx.tokens.forRoles(['privacy-officer']);
const body = (res: { body?: string }) => JSON.parse(res.body ?? '{}');
const mark = async (token: string, payload: unknown) => fx.call('POST', 'reviews', { token, body: payload });
const stateOf = async (ref: string) =>
  body(await fx.call('GET', `reviews/${ref}`, { token: await reviewer() })).entry.review.state;

describe('HIM reviews', () => {
  it('marks movements reviewed in bulk, shows the state in the ledger, keeps the history and audits the call', async () => {
    // Act
    const res = await mark(await reviewer(), { refs: [refs[0], refs[1]], state: 'reviewed' });
    // Assess
    expect(res.statusCode).toBe(200);
    expect(body(res).reviews).toEqual([
      expect.objectContaining({ ref: refs[0], state: 'reviewed', version: 1, by: 'him:alice' }),
      expect.objectContaining({ ref: refs[1], state: 'reviewed', version: 1 }),
    ]);
    const ledger = body(await fx.call('GET', 'ledger?kind=egress', { token: await reviewer() }));
    // The records as sealed, their review state beside them by position.
    expect(ledger.entries[0]).not.toHaveProperty('review');
    const position = (e: { shard: number; seq: number }) => `${e.shard}:${e.seq}`;
    expect(
      ledger.entries.map((e: { shard: number; seq: number }) => ledger.reviews[position(e)].state),
    ).toEqual(['reviewed', 'reviewed', 'unreviewed', 'unreviewed', 'unreviewed']);
    const history = body(await fx.call('GET', `reviews/${refs[0]}`, { token: await reviewer() }));
    expect(history.events).toEqual([
      expect.objectContaining({ from: 'unreviewed', to: 'reviewed', by: 'him:alice', role: 'him-reviewer' }),
    ]);
    const { entries } = await fx.deps.audit.query({ action: 'reviews.mark' }, { limit: 10 });
    expect(entries.at(-1)).toMatchObject({
      target: `ledger:${refs[0]},${refs[1]} -> reviewed`,
      outcome: 'ok',
    });
  });

  it('refuses a flag without a reason, and a change that does not apply, changing nothing in the batch', async () => {
    const noReason = await mark(await reviewer(), { refs: [refs[2]], state: 'flagged' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toMatch(/comment/);
    const conflict = await mark(await reviewer(), { refs: [refs[2], refs[0]], state: 'reviewed' });
    expect(conflict.statusCode).toBe(409);
    expect(body(conflict)).toMatchObject({ ref: refs[0], state: 'reviewed' });
    expect(await stateOf(refs[2] ?? '')).toBe('unreviewed');
  });

  it('answers 404 for an entry the ledger does not hold and 400 for a malformed one, storing nothing', async () => {
    expect((await mark(await reviewer(), { refs: ['0:999999'], state: 'reviewed' })).statusCode).toBe(404);
    expect((await mark(await reviewer(), { refs: ['zero'], state: 'reviewed' })).statusCode).toBe(400);
    expect((await fx.call('GET', 'reviews/0:999999', { token: await reviewer() })).statusCode).toBe(404);
  });

  it('lets a reviewer flag and escalate, and only a privacy officer resolve, with a note', async () => {
    const ref = refs[3] ?? '';
    expect(
      (await mark(await reviewer(), { refs: [ref], state: 'flagged', comment: 'SCCs reference missing' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await fx.call('POST', `reviews/${ref}/resolve`, { token: await reviewer(), body: { comment: 'ok' } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await fx.call('POST', `reviews/${ref}/resolve`, { token: await officer(), body: {} })).statusCode,
    ).toBe(400);
    const resolved = await fx.call('POST', `reviews/${ref}/resolve`, {
      token: await officer(),
      body: { comment: 'IDTA reference confirmed with the DPO' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(body(resolved)).toMatchObject({ state: 'resolved', version: 2 });
    const again = await fx.call('POST', `reviews/${ref}/resolve`, {
      token: await officer(),
      body: { comment: 'again' },
    });
    expect(again.statusCode).toBe(409);
    const history = body(await fx.call('GET', `reviews/${ref}`, { token: await officer() }));
    expect(
      history.events.map((e: { from: string; to: string; comment?: string }) => [e.from, e.to, e.comment]),
    ).toEqual([
      ['unreviewed', 'flagged', 'SCCs reference missing'],
      ['flagged', 'resolved', 'IDTA reference confirmed with the DPO'],
    ]);
  });

  it('lists the queue by state, corridor and mechanism, with counts per corridor and state', async () => {
    const token = await reviewer();
    const queue = body(await fx.call('GET', 'reviews/queue?state=unreviewed', { token }));
    expect(queue.entries.map((e: { review: { ref: string } }) => e.review.ref)).toEqual([refs[2], refs[4]]);
    expect(queue.counts).toEqual([
      { corridor: 'uk:eu', unreviewed: 1, reviewed: 0, flagged: 0, escalated: 0, resolved: 0 },
      { corridor: 'uk:us', unreviewed: 1, reviewed: 2, flagged: 0, escalated: 0, resolved: 1 },
    ]);
    expect(queue).toMatchObject({ scanned: 5, truncated: false });
    const corridor = body(await fx.call('GET', 'reviews/queue?state=unreviewed&corridor=uk:eu', { token }));
    expect(corridor.entries).toHaveLength(1);
    const mechanism = body(await fx.call('GET', 'reviews/queue?mechanism=adequacy', { token }));
    expect(mechanism.entries).toEqual([]);
  });

  it('refuses a second writer of the same review version (the store is conditional)', async () => {
    const ref = refs[4] ?? '';
    const event = {
      ref,
      version: 1,
      from: 'unreviewed',
      to: 'reviewed',
      at: new Date().toISOString(),
      by: 'him:a',
      role: 'him-reviewer',
    } as const;
    await fx.deps.reviews.record(event);
    await expect(fx.deps.reviews.record({ ...event, by: 'him:b' })).rejects.toMatchObject({
      code: 'review-conflict',
    });
    expect((await fx.deps.reviews.history(ref)).map((e) => e.by)).toEqual(['him:a']);
  });
});
