import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import type { SandboxEhr } from '../../infra/local/ehr/types.js';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { FhirEhrClient } from '../../shared/adapters/fhir/fhir-client.js';
import { generateSigningKey, publicJwks } from '../../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../../shared/adapters/smart/smart-client.js';
import type { DeliveryState } from '../../shared/domain/delivery/outbox-item.js';
import { type FixturePatient, fixturePatients, type NoteOptions, noteEvent } from '../fixtures/notes.js';
import { signedHeaders } from '../helpers/signing.js';

/** A UK patient whose chart the UK sandbox EHR holds twice: their note parks as `ambiguous-patient`. */
export const DUPLICATED_PATIENT: FixturePatient = {
  ...fixturePatients.uk,
  identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990001112' }],
  name: { given: ['Mary'], family: 'Somerville' },
};

/** A UK patient a privacy officer erases in the console. */
export const ERASED_PATIENT: FixturePatient = {
  ...fixturePatients.uk,
  identifiers: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990002224' }],
  name: { given: ['Edwin'], family: 'Forgetson' },
};

/** Posts one signed visit-note webhook to a cell; returns the HTTP status. */
export async function postNote(stack: LocalStack, cell: string, options: NoteOptions): Promise<number> {
  const body = JSON.stringify(noteEvent(options));
  const response = await fetch(`${stack.url}/${cell}/v1/webhooks/${DEMO_SENDER_ID}`, {
    method: 'POST',
    headers: signedHeaders({ secret: stack.demoSecret.value, body }),
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until a note version's delivery reaches one of `states`. @throws after `timeoutMs` */
export async function deliveryReaches(
  stack: LocalStack,
  cell: string,
  noteId: string,
  states: DeliveryState[],
  timeoutMs = 30_000,
): Promise<DeliveryState> {
  const table = stack.cells.find((c) => c.id === cell)?.tableName ?? '';
  const outbox = new DynamoOutbox(stack.dynamoClient, table);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const item = await outbox.get({ senderId: DEMO_SENDER_ID, noteId, version: 1, eventKind: 'finalized' });
    if (item && states.includes(item.state)) return item.state;
    if (Date.now() > deadline)
      throw new Error(`${noteId} did not reach ${states.join('/')} (${item?.state})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A SMART client with write access to a sandbox EHR, standing in for the EHR's
 * own staff: it can file a duplicate chart and later merge it away.
 */
export async function ehrAdmin(ehr: SandboxEhr) {
  const key = await generateSigningKey('ES384');
  const clientId = `e2e-admin-${randomUUID()}`;
  ehr.registerClient({ clientId, jwks: publicJwks([key]) });
  const tokens = new SmartBackendClient({
    tokenUrl: ehr.tokenUrl,
    clientId,
    scope: 'system/*.*',
    key,
    timeoutMs: 10_000,
  });
  const fhir = new FhirEhrClient({ baseUrl: ehr.baseUrl, timeoutMs: 10_000, tokens });
  const patient = (p: FixturePatient): Patient => ({
    resourceType: 'Patient',
    identifier: p.identifiers,
    name: [{ given: p.name.given, family: p.name.family }],
    birthDate: p.birthDate,
  });
  return {
    /** Files the same patient twice; returns the second chart's id. */
    async duplicate(p: FixturePatient): Promise<string> {
      let id = '';
      for (let i = 0; i < 2; i++) {
        const created = await fhir.create(patient(p));
        if (created.kind !== 'ok') throw new Error(`EHR refused the patient: ${created.kind}`);
        id = created.value.id;
      }
      return id;
    },
    /** "Merges" the duplicate: it no longer carries the identifier. */
    async retire(id: string, p: FixturePatient): Promise<void> {
      const updated = await fhir.update({
        ...patient(p),
        id,
        identifier: [{ system: 'urn:e2e:retired', value: id }],
        active: false,
      });
      if (updated.kind !== 'ok') throw new Error(`EHR refused the update: ${updated.kind}`);
    },
  };
}
