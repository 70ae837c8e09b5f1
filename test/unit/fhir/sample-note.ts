import type * as z from 'zod';
import { VisitNoteEvent } from '../../../shared/domain/event/schema.js';
import type { MappableNote } from '../../../shared/domain/fhir/map-note.js';
import type { EhrTarget } from '../../../shared/domain/policy/model.js';

/** A valid finalized note (fictional data), parsed by the real schema; `change` edits the raw event first. */
export type RawEvent = z.input<typeof VisitNoteEvent>;

export function sampleNote(change: (event: RawEvent) => void = () => {}): MappableNote {
  const raw: RawEvent = {
    type: 'visit.note.finalized',
    occurredAt: '2026-11-25T10:15:00Z',
    organization: { id: 'st-marys-trust' },
    note: {
      id: 'note-8f2c',
      version: 1,
      status: 'final',
      loincType: '11506-3',
      title: 'Video consultation',
      contentType: 'text/markdown',
      text: '# Progress note\nPatient reports a sore throat — improving.',
    },
    visit: { id: 'visit-77', start: '2026-11-25T09:40:00Z', end: '2026-11-25T10:05:00Z', modality: 'video' },
    patient: {
      identifiers: [
        { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
        { system: 'https://st-marys.example/mrn', value: 'MRN-001' },
      ],
      name: { given: ['Ada'], family: 'Lovelace' },
      birthDate: '1985-12-10',
      residenceCountry: 'GB',
    },
    clinician: {
      identifiers: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }],
      name: { given: ['Sam'], family: 'Okafor' },
      locationCountry: 'US',
    },
    diagnoses: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J06.9' }],
  };
  change(raw);
  return { event: VisitNoteEvent.parse(raw), senderId: 'acme-telehealth', cell: 'uk' };
}

/** A later version of the sample note of `type`. */
export const sampleVersion = (
  version: number,
  type: 'visit.note.amended' | 'visit.note.retracted',
): MappableNote =>
  sampleNote((e) => {
    e.type = type;
    e.note.version = version;
    e.note.text = `Version ${version} of the note.`;
  });

/** A generic FHIR target: conditional create, transactions, both content types. */
export const genericTarget: EhrTarget = {
  id: 'uk-ehr',
  jurisdiction: 'uk',
  country: 'GB',
  profile: 'generic-fhir',
  conditionalCreate: true,
  transactions: true,
  contentTypes: ['text/plain', 'text/markdown'],
  encounterMustExist: false,
};

/** An Epic-like target: no conditional create, plain text only, encounter required. */
export const epicLikeTarget: EhrTarget = {
  ...genericTarget,
  id: 'us-ehr',
  profile: 'epic-like',
  conditionalCreate: false,
  transactions: false,
  contentTypes: ['text/plain'],
  encounterMustExist: true,
};
