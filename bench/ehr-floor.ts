import type { DocumentReference, Encounter } from '@medplum/fhirtypes';
import { PATIENT_CONCURRENCY } from '../functions/deliver/handler-factory.js';
import type { SandboxEhr } from '../infra/local/ehr/types.js';
import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import { FhirEhrClient } from '../shared/adapters/fhir/fhir-client.js';
import { generateSigningKey, publicJwks } from '../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../shared/adapters/smart/smart-client.js';
import { ifNoneExist } from '../shared/domain/delivery/find-or-create.js';
import {
  identifierToken,
  noteVersionIdentifier,
  visitIdentifier,
} from '../shared/domain/fhir/identifiers.js';
import {
  type MappableNote,
  mapDocumentReference,
  mapEncounter,
  mapPatient,
  patientSearchTokens,
} from '../shared/domain/fhir/map-note.js';
import type { EhrTarget } from '../shared/domain/policy/model.js';
import type { CreateOptions, EhrResult, WriteReceipt } from '../shared/ports/ehr-client.js';
import { type FixturePatient, noteEvent, patientN } from '../test/fixtures/notes.js';
import { PATIENTS } from './patients.js';
import { measure, type RunFigures } from './stats.js';

/** Concurrency of a cell's delivery worker: one batch at a time per shard, up to this many patients at once in it. */
export const WORKER_CONCURRENCY = PATIENT_CONCURRENCY;

export interface EhrFloorFigures extends RunFigures {
  /** FHIR requests the sandbox served per note (token requests excluded). */
  fhirPerNote: number;
}

/**
 * The EHR floor: the sandbox's own rate for the FHIR requests one delivery
 * makes, sent directly with the product's FHIR and SMART clients (a bench
 * client registered on the sandbox) at the worker's concurrency: Patient search
 * (create if none), Encounter search and create, then the DocumentReference
 * create (after a search by version identifier where the profile has no
 * conditional create), each `If-None-Exist` where the target supports it.
 */
export async function ehrFloorRun(
  sandbox: SandboxEhr,
  target: EhrTarget,
  cell: string,
  patient: FixturePatient,
  count: number,
  tag: string,
): Promise<EhrFloorFigures> {
  const key = await generateSigningKey(target.auth?.alg ?? 'ES384');
  const clientId = `visitbridge-bench-${tag}`;
  sandbox.registerClient({ clientId, jwks: publicJwks([key]) });
  const tokens = new SmartBackendClient({
    tokenUrl: sandbox.tokenUrl,
    clientId,
    scope: target.auth?.scope ?? 'system/*.write system/*.read',
    key,
    timeoutMs: 10_000,
  });
  const ehr = new FhirEhrClient({ baseUrl: sandbox.baseUrl, timeoutMs: 10_000, tokens });
  await tokens.getToken();
  const conditional = (token: string): CreateOptions => (target.conditionalCreate ? ifNoneExist(token) : {});
  const created = (r: EhrResult<WriteReceipt>) => (r.kind === 'ok' ? r.value.id : undefined);

  const fhirBefore = (await sandbox.stats()).requests.fhir;
  const figures = await measure(`ehr floor ${target.id}`, WORKER_CONCURRENCY, count, async (i) => {
    const note: MappableNote = {
      event: noteEvent({ patient: patientN(patient, i % PATIENTS), noteId: `floor-${tag}-${i}` }),
      senderId: DEMO_SENDER_ID,
      cell,
    };
    const tokensOfPatient = patientSearchTokens(note);
    const found = await ehr.findPatientByIdentifier(tokensOfPatient);
    if (found.kind !== 'ok') return false;
    const patientId =
      found.value[0]?.id ??
      created(await ehr.create(mapPatient(note), conditional(tokensOfPatient.join(','))));
    if (!patientId) return false;

    const visit = identifierToken(visitIdentifier(note.senderId, note.event.visit.id));
    const encounters = await ehr.searchByIdentifier<Encounter>('Encounter', visit);
    if (encounters.kind !== 'ok') return false;
    const encounterId =
      encounters.value[0]?.id ?? created(await ehr.create(mapEncounter(note, patientId), conditional(visit)));
    if (!encounterId) return false;

    const version = identifierToken(noteVersionIdentifier(note.senderId, note.event.note.id, 1));
    if (!target.conditionalCreate) {
      const docs = await ehr.searchByIdentifier<DocumentReference>('DocumentReference', version);
      if (docs.kind !== 'ok' || docs.value.length > 0) return false;
    }
    const doc = mapDocumentReference(note, target, { patientId, encounterId });
    return created(await ehr.create(doc, conditional(version))) !== undefined;
  });
  const fhir = (await sandbox.stats()).requests.fhir - fhirBefore;
  return { ...figures, fhirPerNote: count ? fhir / count : 0 };
}
