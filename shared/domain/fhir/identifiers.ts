import type { Identifier } from '@medplum/fhirtypes';

/**
 * The identifier scheme visitbridge writes into EHRs and searches by. It is a
 * stable contract: changing it makes the worker blind to notes it already
 * delivered, so existing values must keep working.
 *
 * | resource          | system                                   | value                   |
 * |-------------------|------------------------------------------|-------------------------|
 * | DocumentReference | `urn:visitbridge:<senderId>:note`         | `<noteId>`              |
 * | DocumentReference | `urn:visitbridge:<senderId>:note-version` | `<noteId>:v<version>`   |
 * | Encounter         | `urn:visitbridge:<senderId>:visit`        | `<visitId>`             |
 *
 * The version value uses `:` rather than `|` because `|` separates system from
 * value in FHIR token search and few EHRs honour its `\|` escape; `:` cannot
 * occur in a note id (letters, digits, `.`, `_`, `-`), so the value is unambiguous.
 */
export const VISITBRIDGE_URN = 'urn:visitbridge:';

/** Identifier shared by every version of a note: finds all versions of it. */
export const noteIdentifier = (senderId: string, noteId: string): Identifier => ({
  use: 'usual',
  system: `${VISITBRIDGE_URN}${senderId}:note`,
  value: noteId,
});

/** Identifier of one note version: the key that makes delivery exactly-once. */
export const noteVersionIdentifier = (senderId: string, noteId: string, version: number): Identifier => ({
  use: 'secondary',
  system: `${VISITBRIDGE_URN}${senderId}:note-version`,
  value: `${noteId}:v${version}`,
});

/** Identifier of the (virtual) visit, carried by the Encounter. */
export const visitIdentifier = (senderId: string, visitId: string): Identifier => ({
  use: 'usual',
  system: `${VISITBRIDGE_URN}${senderId}:visit`,
  value: visitId,
});

/**
 * Renders an identifier as a FHIR search token `system|value`, escaping the
 * characters that token search gives a meaning (`\`, `|`, `,`, `$`).
 *
 * @example identifierToken(visitIdentifier('acme', 'visit-77')) // 'urn:visitbridge:acme:visit|visit-77'
 */
export function identifierToken(identifier: Pick<Identifier, 'system' | 'value'>): string {
  const escapeToken = (text: string): string => text.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return `${escapeToken(identifier.system ?? '')}|${escapeToken(identifier.value ?? '')}`;
}
