import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { type EhrProfile, SUPPORTED_RESOURCE_TYPES } from './profiles.js';

const SEARCH_PARAMS: Record<string, { name: string; type: 'token' | 'reference' | 'date' }[]> = {
  Patient: [{ name: 'identifier', type: 'token' }],
  Encounter: [
    { name: 'identifier', type: 'token' },
    { name: 'subject', type: 'reference' },
  ],
  DocumentReference: [
    { name: 'identifier', type: 'token' },
    { name: 'subject', type: 'reference' },
    { name: 'patient', type: 'reference' },
    { name: 'encounter', type: 'reference' },
  ],
};

/**
 * The `/metadata` CapabilityStatement for the active profile, so a client that
 * discovers capabilities (conditional create, transactions, SMART token URL) sees
 * what the server will actually do.
 */
export function buildCapabilityStatement(
  profile: EhrProfile,
  urls: { baseUrl: string; tokenUrl: string; name: string },
): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = SUPPORTED_RESOURCE_TYPES.map((type) => ({
    type,
    versioning: 'versioned',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: profile.conditionalCreate,
    interaction: [
      { code: 'read' },
      { code: 'vread' },
      { code: 'create' },
      { code: 'update' },
      { code: 'delete' },
      { code: 'history-instance' },
      { code: 'search-type' },
    ],
    searchParam: SEARCH_PARAMS[type] ?? [],
  }));
  const systemInteractions = [
    ...(profile.transactions ? [{ code: 'transaction' as const }] : []),
    ...(profile.batch ? [{ code: 'batch' as const }] : []),
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: `visitbridge sandbox EHR (${profile.name})` },
    implementation: { description: urls.name, url: urls.baseUrl },
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: urls.tokenUrl }],
            },
          ],
        },
        resource,
        ...(systemInteractions.length > 0 ? { interaction: systemInteractions } : {}),
      },
    ],
  };
}
