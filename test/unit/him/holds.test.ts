import { scanAll } from '../../helpers/dynamo.js';
import { findPhi, itemText } from '../../helpers/phi.js';
import { storeNote } from '../../helpers/stored-notes.js';
import { himFixture } from './fixture.js';

let fx: Awaited<ReturnType<typeof himFixture>>;
const NHS = { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' };
let patientRef = '';

beforeAll(async () => {
  fx = await himFixture();
  patientRef = fx.deps.pseudonymizer.patientRef([NHS]);
  await storeNote(fx.client, fx.tableName, {
    noteId: 'held-1',
    patientRef,
    tenant: 'st-marys-trust',
    receivedAt: '2026-11-25T10:00:00.000Z',
    state: 'delivered',
  });
});
afterAll(() => fx.client.destroy());

const officer = () => fx.tokens.forRoles(['privacy-officer'], 'GB');
const body = (res: { body?: string }) => JSON.parse(res.body ?? '{}');
const place = async (payload: unknown) => fx.call('POST', 'holds', { token: await officer(), body: payload });
const holdsNow = async () => (await fx.deps.holds.all()).holds;
const auditOf = async (action: string) => (await fx.deps.audit.query({ action }, { limit: 50 })).entries;

describe('HIM legal holds', () => {
  it('places a patient hold under the keyed reference only, lists it and audits the call without PHI', async () => {
    // Act
    const res = await place({ scope: 'patient', patient: NHS, reason: 'Matter LIT-2026-14' });
    // Assess
    expect(res.statusCode).toBe(201);
    expect(body(res)).toMatchObject({ scope: 'patient', subject: patientRef, placedBy: 'him:alice' });
    const listed = body(await fx.call('GET', 'holds?state=active', { token: await officer() }));
    expect(listed.holds.map((h: { holdId: string }) => h.holdId)).toContain(body(res).holdId);
    const [entry] = await auditOf('holds.place');
    expect(entry).toMatchObject({ target: `holds:patient=${patientRef}`, outcome: 'ok' });
    const table = (await scanAll(fx.client, fx.tableName)).map(itemText).join('\n');
    expect(findPhi(table, [NHS.value])).toEqual([]);
  });

  it('places an organisation hold, and activeFor finds it for any patient of that organisation', async () => {
    // Act
    const res = await place({
      scope: 'organization',
      organization: 'st-marys-trust',
      reason: 'Case 88 preservation',
    });
    // Assess
    expect(res.statusCode).toBe(201);
    const found = await fx.deps.holds.activeFor('pt_other', ['st-marys-trust']);
    expect(found.map((h) => h.holdId)).toContain(body(res).holdId);
    expect(await fx.deps.holds.activeFor('pt_other', ['elsewhere'])).toEqual([]);
  });

  it('releases a hold once; a second release is 409 and changes nothing', async () => {
    // Prepare
    const { holdId } = body(
      await place({ scope: 'organization', organization: 'st-marys-trust', reason: 'Case 9' }),
    );
    // Act
    const first = await fx.call('POST', `holds/${holdId}/release`, { token: await officer() });
    const before = await holdsNow();
    const second = await fx.call('POST', `holds/${holdId}/release`, { token: await officer() });
    // Assess
    expect(first.statusCode).toBe(200);
    expect(body(first)).toMatchObject({ holdId, releasedBy: 'him:alice' });
    expect(second.statusCode).toBe(409);
    expect(body(second)).toMatchObject({
      type: 'https://visitbridge.dev/problems/hold-already-released',
      holdId,
      releasedAt: body(first).releasedAt,
    });
    expect(await holdsNow()).toEqual(before);
    const outcomes = (await auditOf('holds.release')).filter(
      (e) => e.target === `hold:${holdId} -> released`,
    );
    expect(outcomes.map((e) => e.outcome).sort()).toEqual(['hold-already-released', 'ok']);
  });

  it('answers 404 for the release of a hold the cell does not have', async () => {
    const res = await fx.call('POST', 'holds/1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b/release', {
      token: await officer(),
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses a patient hold and an erasure preview with 503 while older notes are still being indexed, and stores nothing', async () => {
    // Prepare: a patient index whose backfill has more of the table to read.
    const index = fx.deps.patients;
    let backfills = 0;
    fx.deps.patients = {
      holdsNotesOf: (ref) => index.holdsNotesOf(ref),
      indexUnindexedNotes: async () => {
        backfills += 1;
        return { indexed: 40, complete: false };
      },
    };
    const before = await fx.deps.holds.all();
    const erasures = async () =>
      (await scanAll(fx.client, fx.tableName)).filter((i) => i.pk?.S?.startsWith('ERASURE#')).length;
    const erasuresBefore = await erasures();
    try {
      // Act
      const hold = await place({ scope: 'patient', patient: NHS, reason: 'Matter LIT-2026-14' });
      const preview = await fx.call('POST', 'erasures', { token: await officer(), body: { patient: NHS } });
      // Assess
      for (const res of [hold, preview]) {
        expect(res.statusCode).toBe(503);
        expect(body(res)).toEqual({
          type: 'https://visitbridge.dev/problems/patient-index-building',
          title: 'Patient index still being built: retry in a minute',
          status: 503,
          instance: expect.any(String),
        });
      }
      expect(backfills).toBe(2);
      expect(await fx.deps.holds.all()).toEqual(before);
      expect(await erasures()).toBe(erasuresBefore);
    } finally {
      fx.deps.patients = index;
    }
  });

  it('refuses a patient the cell holds no note of with 422 unknown-patient, and stores nothing', async () => {
    // Prepare
    const before = await fx.deps.holds.all();
    // Act
    const res = await place({
      scope: 'patient',
      patient: { system: NHS.system, value: '4010232137' },
      reason: 'Matter LIT-2026-14',
    });
    // Assess
    expect(res.statusCode).toBe(422);
    expect(body(res).type).toBe('https://visitbridge.dev/problems/unknown-patient');
    expect(res.body).not.toContain('4010232137');
    expect(await fx.deps.holds.all()).toEqual(before);
  });

  it.each([
    ['a reason with a line break', { reason: 'Matter 1\nforged line' }, 'control characters'],
    ['a reason with a terminal escape', { reason: 'Matter \x1b[2J' }, 'control characters'],
    ['a reason over 200 characters', { reason: 'x'.repeat(201) }, 'at most 200'],
    ['a reason that repeats the identifier', { reason: `hold for ${NHS.value.slice(0, 3)} 476 5919` }, 'PHI'],
    ['a reason with a birth date', { reason: 'born 1985-12-10' }, 'PHI'],
    ['a reason with an e-mail address', { reason: 'ada@example.org asked' }, 'PHI'],
    ['an empty reason', { reason: ' ' }, 'empty'],
    ['an unknown scope', { scope: 'encounter' }, 'scope'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_name, change, message) => {
    // Prepare
    const before = await fx.deps.holds.all();
    // Act
    const res = await place({ scope: 'patient', patient: NHS, reason: 'Matter 1', ...change });
    // Assess
    expect(res.statusCode).toBe(400);
    expect(body(res).type).toBe('https://visitbridge.dev/problems/invalid-query');
    expect(res.body).toContain(message);
    expect(res.body).not.toContain(NHS.value);
    expect(await fx.deps.holds.all()).toEqual(before);
  });

  it('refuses an organisation the policy does not name with 422', async () => {
    const res = await place({ scope: 'organization', organization: 'nobody', reason: 'Case 1' });
    expect(res.statusCode).toBe(422);
    expect(body(res).type).toBe('https://visitbridge.dev/problems/unknown-organization');
  });

  it('refuses every hold call to a reviewer with 403, and audits the refusal', async () => {
    const token = await fx.tokens.forRoles(['him-reviewer']);
    const res = await fx.call('GET', 'holds', { token });
    expect(res.statusCode).toBe(403);
    const refused = (await auditOf('holds.list')).filter((e) => e.role === 'him-reviewer');
    expect(refused).toEqual([expect.objectContaining({ outcome: 'forbidden' })]);
  });
});
