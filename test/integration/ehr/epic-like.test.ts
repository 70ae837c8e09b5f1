import { randomUUID } from 'node:crypto';
import { startSandboxEhr } from '../../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../../infra/local/ehr/types.js';
import { documentReference, encounter, patient } from './fixtures.js';
import { accessToken, type FhirCall, fhirClient } from './smart-client.js';

let ehr: SandboxEhr;
let fhir: FhirCall;

beforeAll(async () => {
  ehr = await startSandboxEhr({ profile: 'epic-like', name: 'epic-test' });
  fhir = fhirClient(ehr, await accessToken(ehr));
});
afterAll(() => ehr.stop());

async function newPatientId(): Promise<string> {
  return String((await fhir('POST', 'Patient', patient(randomUUID()))).body.id);
}

describe('the epic-like profile', () => {
  test('ignores If-None-Exist, so a repeated create makes a duplicate', async () => {
    const value = randomUUID();
    const headers = { 'if-none-exist': `identifier=urn:test:mrn|${value}` };
    const first = await fhir('POST', 'Patient', patient(value), { headers });

    const second = await fhir('POST', 'Patient', patient(value), { headers });

    const search = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(search.body.total).toBe(2);
  });

  test('refuses a text/markdown attachment with 422 and an OperationOutcome', async () => {
    const subject = await newPatientId();

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { contentType: 'text/markdown' }),
    );

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'business-rule' }],
    });
  });

  test('accepts a text/plain attachment with a charset parameter', async () => {
    const subject = await newPatientId();

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { contentType: 'text/plain; charset=utf-8' }),
    );

    expect(reply.status).toBe(201);
  });

  test('refuses a transaction Bundle and stores none of its entries', async () => {
    const value = randomUUID();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient(value), request: { method: 'POST', url: 'Patient' } }],
    };

    const reply = await fhir('POST', '', bundle);

    const search = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-supported' }],
    });
    expect(search.body.total).toBe(0);
  });

  test('refuses a DocumentReference whose encounter does not exist', async () => {
    const subject = await newPatientId();

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { encounterId: randomUUID() }),
    );

    expect(reply.status).toBe(422);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });

  test('accepts a DocumentReference whose encounter exists', async () => {
    const subject = await newPatientId();
    const visit = await fhir('POST', 'Encounter', encounter(randomUUID(), subject));

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { encounterId: String(visit.body.id) }),
    );

    expect(reply.status).toBe(201);
  });

  test('/metadata advertises neither conditional create nor transactions', async () => {
    const reply = await fetch(`${ehr.baseUrl}/metadata`);

    const body = await reply.json();
    expect(body.rest[0].interaction).toBeUndefined();
    expect(body.rest[0].resource.every((r: { conditionalCreate: boolean }) => !r.conditionalCreate)).toBe(
      true,
    );
  });
});

describe('switching profiles at run time', () => {
  test('POST /_sandbox/profile turns conditional create on for the next request', async () => {
    const switched = await startSandboxEhr({ profile: 'epic-like' });
    const call = fhirClient(switched, await accessToken(switched));
    const value = randomUUID();
    const headers = { 'if-none-exist': `identifier=urn:test:mrn|${value}` };

    const control = await fetch(`${switched.origin}/_sandbox/profile`, {
      method: 'POST',
      body: JSON.stringify({ profile: 'generic-fhir' }),
    });
    await call('POST', 'Patient', patient(value), { headers });
    const second = await call('POST', 'Patient', patient(value), { headers });

    await switched.stop();
    expect(control.status).toBe(200);
    expect(switched.profile).toBe('generic-fhir');
    expect(second.status).toBe(200);
  });

  test('setProfile refuses an unknown profile name', () => {
    expect(() => ehr.setProfile('cerner-like' as 'epic-like')).toThrow(TypeError);
  });
});
