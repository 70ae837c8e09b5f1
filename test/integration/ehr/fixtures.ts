import type { DocumentReference, Encounter, Patient } from '@medplum/fhirtypes';

/** Synthetic resources only: identifiers are random test values, no real people. */
export const patient = (value: string): Patient => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:test:mrn', value }],
});

export const encounter = (value: string, patientId: string): Encounter => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
  identifier: [{ system: 'urn:test:visit', value }],
  subject: { reference: `Patient/${patientId}` },
});

export const documentReference = (
  value: string,
  patientId: string,
  options: { contentType?: string; encounterId?: string } = {},
): DocumentReference => ({
  resourceType: 'DocumentReference',
  status: 'current',
  docStatus: 'final',
  identifier: [{ system: 'urn:test:note', value }],
  type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }] },
  subject: { reference: `Patient/${patientId}` },
  content: [{ attachment: { contentType: options.contentType ?? 'text/plain', data: 'dGVzdA==' } }],
  ...(options.encounterId
    ? { context: { encounter: [{ reference: `Encounter/${options.encounterId}` }] } }
    : {}),
});
