import { businessRule, OperationOutcomeError } from '@medplum/core';
import type { DocumentReference, Resource } from '@medplum/fhirtypes';
import type { EhrProfile } from './profiles.js';

/** Reads a stored resource, or throws Medplum's not-found OperationOutcomeError. */
export type ResourceReader = (resourceType: string, id: string) => Promise<Resource>;

const mediaType = (contentType: string): string => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Applies the profile's business rules that go beyond FHIR validity, the way a
 * vendor EHR rejects structurally valid resources it will not store.
 * @throws OperationOutcomeError with a `business-rule` outcome (HTTP 422).
 */
export async function checkProfileRules(
  resource: Resource,
  profile: EhrProfile,
  read: ResourceReader,
): Promise<void> {
  if (resource.resourceType !== 'DocumentReference') return;
  checkAttachmentTypes(resource, profile);
  if (profile.requireExistingEncounter) await checkEncounterExists(resource, read);
}

function checkAttachmentTypes(doc: DocumentReference, profile: EhrProfile): void {
  for (const [index, content] of doc.content.entries()) {
    const contentType = content.attachment.contentType;
    if (!contentType || !profile.attachmentContentTypes.includes(mediaType(contentType))) {
      throw new OperationOutcomeError(
        businessRule(
          'unsupported-attachment-type',
          `DocumentReference.content[${index}].attachment.contentType must be one of ` +
            profile.attachmentContentTypes.join(', '),
        ),
      );
    }
  }
}

async function checkEncounterExists(doc: DocumentReference, read: ResourceReader): Promise<void> {
  for (const encounter of doc.context?.encounter ?? []) {
    const [type, id, ...rest] = encounter.reference?.split('/') ?? [];
    const found =
      type === 'Encounter' && id && rest.length === 0
        ? await read('Encounter', id).then(
            () => true,
            () => false,
          )
        : false;
    if (!found) {
      throw new OperationOutcomeError(
        businessRule(
          'encounter-not-found',
          'DocumentReference.context.encounter does not resolve to an Encounter',
        ),
      );
    }
  }
}
