import type { DocumentReference, Encounter, Patient, Practitioner } from '@medplum/fhirtypes';
import type { VisitNoteEvent } from '../event/schema.js';
import type { EhrTarget } from '../policy/model.js';
import { identifierToken, noteIdentifier, noteVersionIdentifier, visitIdentifier } from './identifiers.js';

/** A decrypted note as the delivery worker holds it: the event plus where it came from. */
export interface MappableNote {
  event: VisitNoteEvent;
  /** The platform that posted the note; scopes every visitbridge identifier. */
  senderId: string;
  /** The cell that holds the note; tagged on every resource for provenance. */
  cell: string;
}

/** Server-side ids the mapping cannot know: found or created by earlier steps. */
export interface ServerRefs {
  /** Server id of the Patient. */
  patientId: string;
  /** Server id of the Encounter; absent when the target does not need one and none could be made. */
  encounterId?: string;
  /** Server id of the DocumentReference of the version this one replaces (amendments). */
  replacesId?: string;
}

export const LOINC = 'http://loinc.org';
export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const US_CORE_DOC_CATEGORY =
  'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category';
export const CELL_TAG_SYSTEM = 'urn:visitbridge:cell';
const AUTHOR_REF = 'author';

const cellMeta = (note: MappableNote) => ({ tag: [{ system: CELL_TAG_SYSTEM, code: note.cell }] });

/** Encodes text as base64 of its UTF-8 bytes, the FHIR `Attachment.data` encoding. */
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * The search tokens that find the note's patient: every identifier the platform
 * sent, OR-ed (`identifier=a|1,b|2`), so any one match finds the record.
 */
export function patientSearchTokens(note: MappableNote): string[] {
  return note.event.patient.identifiers.map(identifierToken);
}

/** The Patient to create when the search finds none: identifiers, name and birth date only. */
export function mapPatient(note: MappableNote): Patient {
  const { patient } = note.event;
  return {
    resourceType: 'Patient',
    meta: cellMeta(note),
    identifier: patient.identifiers.map((i) => ({ system: i.system, value: i.value })),
    name: [{ use: 'official', given: [...patient.name.given], family: patient.name.family }],
    birthDate: patient.birthDate,
  };
}

/** The virtual Encounter of the visit (class `VR`, finished), keyed by the visitbridge visit identifier. */
export function mapEncounter(note: MappableNote, patientId: string): Encounter {
  const { visit, diagnoses } = note.event;
  const encounter: Encounter = {
    resourceType: 'Encounter',
    meta: cellMeta(note),
    identifier: [visitIdentifier(note.senderId, visit.id)],
    status: 'finished',
    class: { system: ACT_CODE, code: 'VR', display: 'virtual' },
    subject: { reference: `Patient/${patientId}` },
    period: { start: visit.start, end: visit.end },
  };
  if (diagnoses.length > 0) {
    encounter.reasonCode = diagnoses.map((d) => ({
      coding: [{ system: d.system, code: d.code, ...(d.display ? { display: d.display } : {}) }],
    }));
  }
  return encounter;
}

/**
 * The attachment media type the target will store: the note's own when
 * accepted, else `text/plain` for markdown (readable as is) or `text/markdown`
 * for plain text (plain text is valid markdown).
 */
export function attachmentContentType(
  noteType: VisitNoteEvent['note']['contentType'],
  target: Pick<EhrTarget, 'contentTypes'>,
): VisitNoteEvent['note']['contentType'] {
  if (target.contentTypes.includes(noteType)) return noteType;
  return noteType === 'text/markdown' ? 'text/plain' : 'text/markdown';
}

/**
 * The US Core clinical-note DocumentReference of one note version.
 *
 * Retractions (`visit.note.retracted`) map to `entered-in-error`; amendments
 * carry `relatesTo: replaces` when `refs.replacesId` names the previous
 * version's DocumentReference. Identifiers follow `identifiers.ts`.
 */
export function mapDocumentReference(
  note: MappableNote,
  target: Pick<EhrTarget, 'contentTypes'>,
  refs: ServerRefs,
): DocumentReference {
  const { event, senderId } = note;
  const author: Practitioner = {
    resourceType: 'Practitioner',
    id: AUTHOR_REF,
    identifier: event.clinician.identifiers.map((i) => ({ system: i.system, value: i.value })),
    name: [{ given: [...event.clinician.name.given], family: event.clinician.name.family }],
  };
  const doc: DocumentReference = {
    resourceType: 'DocumentReference',
    meta: cellMeta(note),
    contained: [author],
    identifier: [
      noteIdentifier(senderId, event.note.id),
      noteVersionIdentifier(senderId, event.note.id, event.note.version),
    ],
    status: event.type === 'visit.note.retracted' ? 'entered-in-error' : 'current',
    docStatus: event.note.status,
    type: { coding: [{ system: LOINC, code: event.note.loincType }], text: event.note.title },
    category: [
      { coding: [{ system: US_CORE_DOC_CATEGORY, code: 'clinical-note', display: 'Clinical Note' }] },
    ],
    subject: { reference: `Patient/${refs.patientId}` },
    date: event.occurredAt,
    author: [
      {
        reference: `#${AUTHOR_REF}`,
        display: [...event.clinician.name.given, event.clinician.name.family].join(' '),
      },
    ],
    description: event.note.title,
    content: [
      {
        attachment: {
          contentType: attachmentContentType(event.note.contentType, target),
          data: base64(event.note.text),
          title: event.note.title,
          creation: event.occurredAt,
        },
      },
    ],
    context: {
      ...(refs.encounterId ? { encounter: [{ reference: `Encounter/${refs.encounterId}` }] } : {}),
      period: { start: event.visit.start, end: event.visit.end },
    },
  };
  if (refs.replacesId) {
    doc.relatesTo = [{ code: 'replaces', target: { reference: `DocumentReference/${refs.replacesId}` } }];
  }
  return doc;
}
