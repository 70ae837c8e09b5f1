import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';

/** The strings of an event that are PHI and must never appear in clear. */
export function phiStrings(event: VisitNoteEvent): string[] {
  return [
    event.note.text.slice(0, 40),
    ...event.patient.name.given,
    event.patient.name.family,
    event.patient.birthDate,
    ...event.patient.identifiers.map((i) => i.value),
    ...event.clinician.name.given,
    event.clinician.name.family,
    ...event.clinician.identifiers.map((i) => i.value),
  ].filter((s) => s.length >= 4);
}

/** Every byte of a raw DynamoDB item, binary attributes included, as text to search. */
export function itemText(item: Record<string, AttributeValue>): string {
  return JSON.stringify(item, (_key, value) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
  );
}

/** The PHI strings found in a text (empty when clean). */
export function findPhi(text: string, phi: string[]): string[] {
  return phi.filter((s) => text.includes(s));
}
