import type { DocumentReference, OperationOutcome } from '@medplum/fhirtypes';
import {
  type DeliveryOptions,
  type DeliveryResult,
  type DeliveryState,
  deliverNote,
} from '../../../shared/domain/delivery/deliver-note.js';
import type { MappableNote } from '../../../shared/domain/fhir/map-note.js';
import type { EhrTarget } from '../../../shared/domain/policy/model.js';
import { epicLikeTarget, genericTarget, sampleNote, sampleVersion } from '../fhir/sample-note.js';
import { FakeEhr } from './fake-ehr.js';

const options: DeliveryOptions = {
  retry: { maxAttempts: 5, baseMs: 1_000, maxMs: 60_000 },
  clock: { now: () => new Date('2026-11-25T10:20:00Z') },
  random: () => 0.5,
};
const firstTry: DeliveryState = { attempts: 0, delivered: [] };
const versionToken = (version: number) =>
  `urn:visitbridge:acme-telehealth:note-version|note-8f2c:v${version}`;

/** The state the worker keeps after `result` (one more attempt, the ids it learnt). */
const nextState = (state: DeliveryState, result: DeliveryResult): DeliveryState => ({
  ...state,
  attempts: state.attempts + 1,
  resourceIds: result.resourceIds,
});

/** An EHR that already holds version 1 of the sample note, delivered; and the state saying so. */
async function withVersionOneDelivered(target: EhrTarget) {
  const ehr = new FakeEhr(target.conditionalCreate);
  const first = await deliverNote(ehr, sampleNote(), target, firstTry, options);
  const documentReferenceId = first.resourceIds.documentReference ?? '';
  const state: DeliveryState = { attempts: 0, delivered: [{ version: 1, documentReferenceId }] };
  ehr.calls.length = 0;
  return { ehr, state, documentReferenceId };
}

const deliver = (ehr: FakeEhr, note: MappableNote, target: EhrTarget, state = firstTry) =>
  deliverNote(ehr, note, target, state, options);

describe('deliverNote first try', () => {
  it('creates Patient, Encounter and DocumentReference and reports delivered', async () => {
    const ehr = new FakeEhr(true);

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result.status).toBe('delivered');
    expect(result.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'patient-search:ok',
      'patient-create:ok',
      'encounter-search:ok',
      'encounter-create:ok',
      'document-create:ok',
    ]);
    const [doc] = ehr.all<DocumentReference>('DocumentReference');
    expect(result.resourceIds).toEqual({
      patient: ehr.all('Patient')[0]?.id,
      encounter: ehr.all('Encounter')[0]?.id,
      documentReference: doc?.id,
    });
    expect(doc?.context?.encounter).toEqual([{ reference: `Encounter/${result.resourceIds.encounter}` }]);
  });

  it('links the note to a patient the EHR already has instead of creating one', async () => {
    const ehr = new FakeEhr(true);
    const known = ehr.seed({
      resourceType: 'Patient',
      identifier: [{ system: 'https://st-marys.example/mrn', value: 'MRN-001' }],
    });

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result.resourceIds.patient).toBe(known.id);
    expect(ehr.all('Patient')).toHaveLength(1);
  });

  it('records the attempt without PHI', async () => {
    const result = await deliver(new FakeEhr(true), sampleNote(), genericTarget);

    expect(result.attempt).toEqual({
      at: '2026-11-25T10:20:00.000Z',
      step: 'document-create',
      outcome: 'ok',
      httpStatus: 201,
      durationMs: 0,
    });
    expect(JSON.stringify(result)).not.toMatch(/Lovelace|9434765919|MRN-001|1985-12-10|sore throat/);
  });

  it('parks a note whose patient identifiers match two patients', async () => {
    const ehr = new FakeEhr(true);
    ehr.seed({
      resourceType: 'Patient',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
    });
    ehr.seed({
      resourceType: 'Patient',
      identifier: [{ system: 'https://st-marys.example/mrn', value: 'MRN-001' }],
    });

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result).toMatchObject({ status: 'parked', parkReason: 'ambiguous-patient' });
    expect(ehr.all('DocumentReference')).toHaveLength(0);
  });
});

describe('deliverNote after an unknown outcome', () => {
  it('finds the note it may have written on an EHR without conditional create and does not create it again', async () => {
    const ehr = new FakeEhr(false);
    ehr.failNext('create', 'DocumentReference', { kind: 'unknown-outcome', reason: 'timeout' }, true);
    const first = await deliver(ehr, sampleNote(), epicLikeTarget);

    const second = await deliver(ehr, sampleNote(), epicLikeTarget, nextState(firstTry, first));

    expect(first.status).toBe('retry');
    expect(second.status).toBe('delivered');
    expect(second.steps.map((s) => s.step)).toEqual(['document-search']);
    expect(ehr.all('DocumentReference')).toHaveLength(1);
  });

  it('creates the note on retry when the search shows the lost write never landed', async () => {
    const ehr = new FakeEhr(false);
    ehr.failNext('create', 'DocumentReference', { kind: 'unknown-outcome', reason: 'connection-error' });
    const first = await deliver(ehr, sampleNote(), epicLikeTarget);

    const second = await deliver(ehr, sampleNote(), epicLikeTarget, nextState(firstTry, first));

    expect(second.steps.map((s) => s.step)).toEqual(['document-search', 'document-create']);
    expect(ehr.all('DocumentReference')).toHaveLength(1);
  });

  it('retries with If-None-Exist on the version identifier on an EHR with conditional create', async () => {
    const ehr = new FakeEhr(true);
    ehr.failNext(
      'create',
      'DocumentReference',
      { kind: 'unknown-outcome', status: 504, reason: 'server-error' },
      true,
    );
    const first = await deliver(ehr, sampleNote(), genericTarget);

    const second = await deliver(ehr, sampleNote(), genericTarget, nextState(firstTry, first));

    expect(second.status).toBe('delivered');
    const creates = ehr.calls.filter(
      (c) => c.operation === 'create' && c.resourceType === 'DocumentReference',
    );
    expect(creates.map((c) => new URLSearchParams(c.ifNoneExist).get('identifier'))).toEqual([
      versionToken(1),
      versionToken(1),
    ]);
    expect(ehr.all('DocumentReference')).toHaveLength(1);
  });
});

describe('deliverNote retries and parking', () => {
  it('waits at least as long as the EHR asked in Retry-After', async () => {
    const ehr = new FakeEhr(true);
    ehr.failNext('search', 'Patient', { kind: 'throttled', status: 429, retryAfterMs: 30_000 });

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result).toMatchObject({
      status: 'retry',
      retryAfterMs: 30_000,
      attempt: { outcome: 'throttled' },
    });
  });

  it('backs off with jitter after an unavailable EHR', async () => {
    const ehr = new FakeEhr(true);
    ehr.failNext('search', 'Patient', { kind: 'unavailable', status: 503, reason: 'server-error' });

    const result = await deliver(ehr, sampleNote(), genericTarget, { attempts: 2, delivered: [] });

    expect(result).toMatchObject({ status: 'retry', retryAfterMs: 2_000 });
  });

  it('parks a rejected note with the EHR OperationOutcome', async () => {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'business-rule' }],
    };
    const ehr = new FakeEhr(true);
    ehr.failNext('create', 'DocumentReference', { kind: 'rejected', status: 422, operationOutcome: outcome });

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result).toMatchObject({ status: 'parked', parkReason: 'rejected', operationOutcome: outcome });
  });

  it('parks the note once the last allowed attempt fails', async () => {
    const ehr = new FakeEhr(true);
    ehr.failNext('search', 'Patient', { kind: 'unavailable', reason: 'timeout' });

    const result = await deliver(ehr, sampleNote(), genericTarget, { attempts: 4, delivered: [] });

    expect(result).toMatchObject({ status: 'parked', parkReason: 'attempts-exhausted' });
  });

  it('parks a note when a target that requires encounters rejects the Encounter', async () => {
    const ehr = new FakeEhr(false);
    ehr.failNext('create', 'Encounter', { kind: 'rejected', status: 422 });

    const result = await deliver(ehr, sampleNote(), epicLikeTarget);

    expect(result).toMatchObject({
      status: 'parked',
      parkReason: 'rejected',
      attempt: { step: 'encounter-create' },
    });
  });

  it('delivers without an encounter when a target that does not require one rejects it', async () => {
    const ehr = new FakeEhr(true);
    ehr.failNext('create', 'Encounter', { kind: 'rejected', status: 422 });

    const result = await deliver(ehr, sampleNote(), genericTarget);

    expect(result.status).toBe('delivered');
    expect(ehr.all<DocumentReference>('DocumentReference')[0]?.context?.encounter).toBeUndefined();
  });
});

describe('deliverNote amendments and retractions', () => {
  it('holds an amendment back until the version it replaces is delivered', async () => {
    const ehr = new FakeEhr(true);

    const result = await deliver(ehr, sampleVersion(2, 'visit.note.amended'), genericTarget);

    expect(result).toMatchObject({
      status: 'retry',
      attempt: { step: 'wait-for-predecessor', outcome: 'waiting' },
    });
    expect(ehr.calls).toHaveLength(0);
  });

  it('delivers an amendment that replaces the delivered version', async () => {
    const { ehr, state, documentReferenceId } = await withVersionOneDelivered(genericTarget);

    const result = await deliver(ehr, sampleVersion(2, 'visit.note.amended'), genericTarget, state);

    expect(result.status).toBe('delivered');
    const amended = ehr
      .all<DocumentReference>('DocumentReference')
      .find((d) => d.id === result.resourceIds.documentReference);
    expect(amended?.relatesTo).toEqual([
      { code: 'replaces', target: { reference: `DocumentReference/${documentReferenceId}` } },
    ]);
    expect(ehr.all('DocumentReference')).toHaveLength(2);
  });

  it('marks the delivered DocumentReference entered-in-error on a retraction', async () => {
    const { ehr, state, documentReferenceId } = await withVersionOneDelivered(epicLikeTarget);

    const result = await deliver(ehr, sampleVersion(1, 'visit.note.retracted'), epicLikeTarget, state);

    expect(result).toMatchObject({
      status: 'delivered',
      resourceIds: { documentReference: documentReferenceId },
    });
    expect(ehr.calls.filter((c) => c.operation !== 'search')).toEqual([
      { operation: 'update', resourceType: 'DocumentReference' },
    ]);
    const docs = ehr.all<DocumentReference>('DocumentReference');
    expect(docs).toHaveLength(1);
    expect(docs[0]?.status).toBe('entered-in-error');
  });

  it('holds a retraction back until the version it retracts is delivered', async () => {
    const ehr = new FakeEhr(true);
    const retraction = sampleNote((e) => {
      e.type = 'visit.note.retracted';
    });

    const result = await deliver(ehr, retraction, genericTarget);

    expect(result).toMatchObject({
      status: 'retry',
      attempt: { step: 'wait-for-predecessor', outcome: 'waiting' },
    });
    expect(ehr.calls).toHaveLength(0);
  });
});

describe('deliverNote waiting for a predecessor', () => {
  it('parks an amendment whose predecessor is still missing after the last allowed attempt', async () => {
    const result = await deliver(new FakeEhr(true), sampleVersion(2, 'visit.note.amended'), genericTarget, {
      attempts: 4,
      delivered: [],
    });

    expect(result).toMatchObject({ status: 'parked', parkReason: 'predecessor-not-delivered' });
  });
});
