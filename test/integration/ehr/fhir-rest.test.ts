import { randomUUID } from 'node:crypto';
import { startSandboxEhr } from '../../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../../infra/local/ehr/types.js';
import { documentReference, encounter, patient } from './fixtures.js';
import { accessToken, type FhirCall, fhirClient } from './smart-client.js';

let ehr: SandboxEhr;
let fhir: FhirCall;

beforeAll(async () => {
  ehr = await startSandboxEhr({ profile: 'generic-fhir', name: 'rest-test' });
  fhir = fhirClient(ehr, await accessToken(ehr));
});
afterAll(() => ehr.stop());

const bundleIds = (body: Record<string, unknown>): string[] =>
  ((body.entry as { resource: { id: string } }[] | undefined) ?? []).map((e) => e.resource.id);

describe('FHIR REST on the generic-fhir profile', () => {
  test('create answers 201 with Location and a weak ETag of the version', async () => {
    const reply = await fhir('POST', 'Patient', patient(randomUUID()));

    const { id, meta } = reply.body as { id: string; meta: { versionId: string } };
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe(`W/"${meta.versionId}"`);
    expect(reply.headers.get('location')).toBe(`${ehr.baseUrl}/Patient/${id}/_history/${meta.versionId}`);
  });

  test('create replaces a client-sent id with a server-assigned one', async () => {
    const reply = await fhir('POST', 'Patient', { ...patient(randomUUID()), id: 'chosen-by-client' });

    expect(reply.status).toBe(201);
    expect(reply.body.id).not.toBe('chosen-by-client');
  });

  test('read returns the stored resource with its ETag', async () => {
    const created = await fhir('POST', 'Patient', patient(randomUUID()));

    const reply = await fhir('GET', `Patient/${created.body.id}`);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(created.body);
    expect(reply.headers.get('etag')).toBe(created.headers.get('etag'));
  });

  test('update stores a new version with a new ETag and Location', async () => {
    const created = await fhir('POST', 'Patient', patient(randomUUID()));

    const reply = await fhir('PUT', `Patient/${created.body.id}`, { ...created.body, active: true });

    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).not.toBe(created.headers.get('etag'));
    expect(reply.headers.get('location')).toContain(`/Patient/${created.body.id}/_history/`);
  });

  test('update with a stale If-Match is refused with 412', async () => {
    const created = await fhir('POST', 'Patient', patient(randomUUID()));
    await fhir('PUT', `Patient/${created.body.id}`, { ...created.body, active: true });

    const reply = await fhir('PUT', `Patient/${created.body.id}`, created.body, {
      headers: { 'if-match': created.headers.get('etag') ?? '' },
    });

    expect(reply.status).toBe(412);
  });

  test('an invalid resource is rejected with 400 and an OperationOutcome, and nothing is stored', async () => {
    const value = randomUUID();

    const reply = await fhir('POST', 'Patient', { ...patient(value), favouriteColour: 'blue' });

    const search = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
    expect(search.body.total).toBe(0);
  });

  test('an invalid update is rejected with 400', async () => {
    const created = await fhir('POST', 'Patient', patient(randomUUID()));

    const reply = await fhir('PUT', `Patient/${created.body.id}`, { ...created.body, active: 'yes' });

    expect(reply.status).toBe(400);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });

  test('Patient search by identifier system|value finds exactly that patient', async () => {
    const value = randomUUID();
    const target = await fhir('POST', 'Patient', patient(value));
    await fhir('POST', 'Patient', patient(randomUUID()));

    const reply = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);

    expect(reply.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(bundleIds(reply.body)).toEqual([target.body.id]);
  });

  test('identifier search follows updates and deletes', async () => {
    const [before, after] = [randomUUID(), randomUUID()];
    const created = await fhir('POST', 'Patient', patient(before));
    await fhir('PUT', `Patient/${created.body.id}`, { ...created.body, ...patient(after) });

    const afterUpdate = [
      await fhir('GET', `Patient?identifier=${before}`),
      await fhir('GET', `Patient?identifier=${after}`),
    ];
    await fhir('DELETE', `Patient/${created.body.id}`);
    const afterDelete = await fhir('GET', `Patient?identifier=urn:test:mrn|${after}`);

    expect(afterUpdate.map((reply) => reply.body.total)).toEqual([0, 1]);
    expect(afterDelete.body.total).toBe(0);
  });

  test('Encounter search by identifier finds the encounter', async () => {
    const subject = await fhir('POST', 'Patient', patient(randomUUID()));
    const value = randomUUID();
    const created = await fhir('POST', 'Encounter', encounter(value, String(subject.body.id)));

    const reply = await fhir('GET', `Encounter?identifier=urn:test:visit|${value}`);

    expect(bundleIds(reply.body)).toEqual([created.body.id]);
  });

  test('DocumentReference search by identifier and by subject', async () => {
    const subject = String((await fhir('POST', 'Patient', patient(randomUUID()))).body.id);
    const value = randomUUID();
    const note = await fhir('POST', 'DocumentReference', documentReference(value, subject));
    const other = await fhir('POST', 'DocumentReference', documentReference(randomUUID(), subject));

    const byIdentifier = await fhir('GET', `DocumentReference?identifier=urn:test:note|${value}`);
    const bySubject = await fhir('GET', `DocumentReference?subject=Patient/${subject}`);

    expect(bundleIds(byIdentifier.body)).toEqual([note.body.id]);
    expect(bundleIds(bySubject.body).sort()).toEqual([note.body.id, other.body.id].sort());
  });

  test('_count limits entries and _summary=count returns only the total', async () => {
    const subject = String((await fhir('POST', 'Patient', patient(randomUUID()))).body.id);
    for (let i = 0; i < 3; i++)
      await fhir('POST', 'DocumentReference', documentReference(randomUUID(), subject));

    const limited = await fhir('GET', `DocumentReference?subject=Patient/${subject}&_count=2`);
    const counted = await fhir('GET', `DocumentReference?subject=Patient/${subject}&_summary=count`);

    expect(bundleIds(limited.body)).toHaveLength(2);
    expect(limited.body.total).toBe(3);
    expect(counted.body).toEqual({ resourceType: 'Bundle', type: 'searchset', total: 3 });
  });

  test('conditional create (If-None-Exist) returns the existing resource instead of a duplicate', async () => {
    const value = randomUUID();
    const first = await fhir('POST', 'Patient', patient(value), {
      headers: { 'if-none-exist': `identifier=urn:test:mrn|${value}` },
    });

    const second = await fhir('POST', 'Patient', patient(value), {
      headers: { 'if-none-exist': `identifier=urn:test:mrn|${value}` },
    });

    const search = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    expect(search.body.total).toBe(1);
  });

  test('accepts a text/markdown attachment', async () => {
    const subject = String((await fhir('POST', 'Patient', patient(randomUUID()))).body.id);

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { contentType: 'text/markdown' }),
    );

    expect(reply.status).toBe(201);
  });

  test('refuses an attachment type outside the profile with 422', async () => {
    const subject = String((await fhir('POST', 'Patient', patient(randomUUID()))).body.id);

    const reply = await fhir(
      'POST',
      'DocumentReference',
      documentReference(randomUUID(), subject, { contentType: 'application/pdf' }),
    );

    expect(reply.status).toBe(422);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });

  test('a transaction resolves urn:uuid references and stores every entry', async () => {
    const value = randomUUID();
    const patientUrn = `urn:uuid:${randomUUID()}`;
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: patientUrn, resource: patient(value), request: { method: 'POST', url: 'Patient' } },
        {
          resource: { ...encounter(value, 'placeholder'), subject: { reference: patientUrn } },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    };

    const reply = await fhir('POST', '', bundle);

    const found = await fhir('GET', `Encounter?identifier=urn:test:visit|${value}`);
    const stored = (found.body.entry as { resource: { subject: { reference: string } } }[])[0]?.resource;
    const patientId = (await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`)).body.entry as {
      resource: { id: string };
    }[];
    expect(reply.body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(stored?.subject.reference).toBe(`Patient/${patientId[0]?.resource.id}`);
  });

  test('a transaction with one invalid entry stores nothing', async () => {
    const value = randomUUID();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient(value), request: { method: 'POST', url: 'Patient' } },
        { resource: { ...patient(value), bogus: true }, request: { method: 'POST', url: 'Patient' } },
      ],
    };

    const reply = await fhir('POST', '', bundle);

    const search = await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`);
    expect(reply.status).toBe(400);
    expect(search.body.total).toBe(0);
  });

  test('/metadata advertises conditional create, transactions and the token URL', async () => {
    const reply = await fetch(`${ehr.baseUrl}/metadata`);

    const body = await reply.json();
    expect(body.rest[0].interaction).toEqual([{ code: 'transaction' }, { code: 'batch' }]);
    expect(body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient').conditionalCreate).toBe(
      true,
    );
    expect(JSON.stringify(body.rest[0].security)).toContain(ehr.tokenUrl);
  });

  test('an unsupported resource type answers 404', async () => {
    const reply = await fhir('GET', 'Observation');

    expect(reply.status).toBe(404);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });
});
