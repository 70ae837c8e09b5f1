import type { Encounter } from '@medplum/fhirtypes';
import type { CreateOptions, EhrClient, EhrFailure } from '../../ports/ehr-client.js';
import { identifierToken, visitIdentifier } from '../fhir/identifiers.js';
import { type MappableNote, mapEncounter, mapPatient, patientSearchTokens } from '../fhir/map-note.js';
import type { EhrTarget } from '../policy/model.js';
import type { AttemptRun } from './attempt.js';
import type { ParkReason } from './plan.js';

/** Why an attempt ended early: an EHR failure, a verdict that parks the note, or a predecessor to wait for. */
export type Stop = { failure: EhrFailure } | { park: ParkReason } | { wait: 'predecessor' };

export const isStop = (value: unknown): value is Stop =>
  typeof value === 'object' && value !== null && ('failure' in value || 'park' in value || 'wait' in value);

/** `If-None-Exist` on one identifier token (or several, OR-ed). */
export const ifNoneExist = (token: string): CreateOptions => ({
  ifNoneExist: new URLSearchParams({ identifier: token }).toString(),
});

/**
 * The Patient id: the one match of any identifier, else a new Patient (conditional
 * where supported). Several matches park the note: guessing would file it in the wrong chart.
 */
export async function findOrCreatePatient(
  ehr: EhrClient,
  note: MappableNote,
  target: EhrTarget,
  run: AttemptRun,
): Promise<string | Stop> {
  const tokens = patientSearchTokens(note);
  const found = await run.call('patient-search', () => ehr.findPatientByIdentifier(tokens));
  if (found.kind !== 'ok') return { failure: found };
  if (found.value.length > 1) {
    run.mark('patient-search', 'ambiguous');
    return { park: 'ambiguous-patient' };
  }
  const existing = found.value[0]?.id;
  if (existing) return existing;
  const options = target.conditionalCreate ? ifNoneExist(tokens.join(',')) : {};
  const created = await run.call('patient-create', () => ehr.create(mapPatient(note), options));
  return created.kind === 'ok' ? created.value.id : { failure: created };
}

/** The Encounter id; `undefined` when the target rejects Encounters it does not require. */
export async function findOrCreateEncounter(
  ehr: EhrClient,
  note: MappableNote,
  target: EhrTarget,
  patientId: string,
  run: AttemptRun,
): Promise<string | undefined | Stop> {
  const optional = (failure: EhrFailure): undefined | Stop =>
    failure.kind === 'rejected' && !target.encounterMustExist ? undefined : { failure };
  const token = identifierToken(visitIdentifier(note.senderId, note.event.visit.id));
  const found = await run.call('encounter-search', () =>
    ehr.searchByIdentifier<Encounter>('Encounter', token),
  );
  if (found.kind !== 'ok') return optional(found);
  const existing = found.value[0]?.id;
  if (existing) return existing;
  const options = target.conditionalCreate ? ifNoneExist(token) : {};
  const created = await run.call('encounter-create', () =>
    ehr.create(mapEncounter(note, patientId), options),
  );
  return created.kind === 'ok' ? created.value.id : optional(created);
}
