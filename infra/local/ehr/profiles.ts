/** The behaviours a sandbox EHR can imitate. */
export type EhrProfileName = 'generic-fhir' | 'epic-like';

/**
 * What a profile allows. Data, not code paths, so the CapabilityStatement, the
 * request handling and the repository rules all read the same switches.
 */
export interface EhrProfile {
  readonly name: EhrProfileName;
  /** Honour `If-None-Exist`; when false the header is ignored and duplicates are created. */
  readonly conditionalCreate: boolean;
  /** Accept `transaction` Bundles (processed atomically). */
  readonly transactions: boolean;
  /** Accept `batch` Bundles. */
  readonly batch: boolean;
  /** Media types accepted in `DocumentReference.content.attachment.contentType`. */
  readonly attachmentContentTypes: readonly string[];
  /** Reject a DocumentReference whose `context.encounter` does not resolve to a stored Encounter. */
  readonly requireExistingEncounter: boolean;
}

export const PROFILES: Readonly<Record<EhrProfileName, EhrProfile>> = {
  'generic-fhir': {
    name: 'generic-fhir',
    conditionalCreate: true,
    transactions: true,
    batch: true,
    attachmentContentTypes: ['text/plain', 'text/markdown'],
    requireExistingEncounter: false,
  },
  'epic-like': {
    name: 'epic-like',
    conditionalCreate: false,
    transactions: false,
    batch: false,
    attachmentContentTypes: ['text/plain'],
    requireExistingEncounter: true,
  },
};

/** Resource types the sandbox serves; others answer 404 as on a real EHR with a fixed API surface. */
export const SUPPORTED_RESOURCE_TYPES = [
  'Patient',
  'Encounter',
  'DocumentReference',
  'Practitioner',
  'PractitionerRole',
  'Organization',
] as const;

/**
 * Resolves a profile by name.
 * @throws TypeError when the name is not a known profile.
 */
export function profileByName(name: string): EhrProfile {
  if (name === 'generic-fhir' || name === 'epic-like') return PROFILES[name];
  throw new TypeError(`unknown sandbox EHR profile: ${name}`);
}
