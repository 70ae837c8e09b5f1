import type { DocumentReference, OperationOutcome } from '@medplum/fhirtypes';
import type { Clock } from '../../ports/clock.js';
import type { EhrClient } from '../../ports/ehr-client.js';
import { identifierToken, noteVersionIdentifier } from '../fhir/identifiers.js';
import { type MappableNote, mapDocumentReference } from '../fhir/map-note.js';
import type { EhrTarget } from '../policy/model.js';
import { AttemptRun, type StepRecord } from './attempt.js';
import {
  findOrCreateEncounter,
  findOrCreatePatient,
  ifNoneExist,
  isStop,
  type Stop,
} from './find-or-create.js';
import {
  afterTransientFailure,
  type DeliveredVersion,
  documentWriteMode,
  type ParkReason,
  type RetryPolicy,
  readyToDeliver,
} from './plan.js';

/** Server ids found or created so far; carried from attempt to attempt. */
export interface ResourceIds {
  patient?: string;
  encounter?: string;
  documentReference?: string;
}

/** What the worker keeps between attempts of one note version (no PHI). */
export interface DeliveryState {
  /** Attempts already made for this version: 0 on the first try. */
  attempts: number;
  /** Versions of the same note already delivered, with their DocumentReference ids. */
  delivered: readonly DeliveredVersion[];
  resourceIds?: ResourceIds;
}

export interface DeliveryOptions {
  retry: RetryPolicy;
  clock: Clock;
  /** Jitter source in [0, 1); `Math.random` by default. */
  random?: () => number;
}

export interface DeliveryResult {
  status: 'delivered' | 'retry' | 'parked';
  /** The attempt: start, deciding step and outcome, HTTP status, total duration. */
  attempt: StepRecord;
  /** Every step of the attempt, in order. */
  steps: StepRecord[];
  /** Ids known after this attempt; store them for the next one. On `delivered`, `documentReference` is set. */
  resourceIds: ResourceIds;
  /** On `retry`: wait at least this long. */
  retryAfterMs?: number;
  /** On `parked`: why. */
  parkReason?: ParkReason;
  /** On a rejection: the EHR's outcome. May echo PHI: store encrypted, log `summarizeOperationOutcome`. */
  operationOutcome?: OperationOutcome;
}

/**
 * Makes one delivery attempt of one note version: Patient find-or-create,
 * Encounter find-or-create (skipped on rejection unless the target requires
 * it), then the DocumentReference: created (conditionally where the target
 * supports it, else after a search by version identifier on any retry), or,
 * for a retraction, the delivered version it retracts updated to `entered-in-error`.
 * Amendments wait until `version - 1` is delivered; retractions until `version` is.
 *
 * EHR failures never throw: they come back as `retry` (with backoff) or
 * `parked` (rejections, ambiguity, exhausted attempts). Waiting for a
 * predecessor is a `retry` that counts as an attempt, so a version whose
 * predecessor never lands is parked (`predecessor-not-delivered`) for a HIM.
 * Only a bug in `ehr` throws.
 */
export async function deliverNote(
  ehr: EhrClient,
  note: MappableNote,
  target: EhrTarget,
  state: DeliveryState,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const run = new AttemptRun(options.clock);
  const ids: ResourceIds = { ...state.resourceIds };
  const conclude = (stop?: Stop): DeliveryResult => finish(run, ids, state.attempts + 1, options, stop);
  const { event, senderId } = note;
  const version = event.note.version;

  // An amendment replaces version - 1; a retraction carries the version it retracts.
  // Either waits until that version is in the EHR, so nothing overtakes it.
  const retraction = event.type === 'visit.note.retracted';
  const deliveredVersions = state.delivered.map((d) => d.version);
  const ready = retraction ? deliveredVersions.includes(version) : readyToDeliver(version, deliveredVersions);
  if (!ready) {
    run.mark('wait-for-predecessor', 'waiting');
    return conclude({ wait: 'predecessor' });
  }
  const predecessor = retraction ? version : version - 1;
  const replacesId = state.delivered.find((d) => d.version === predecessor)?.documentReferenceId;

  const patient = ids.patient ?? (await findOrCreatePatient(ehr, note, target, run));
  if (isStop(patient)) return conclude(patient);
  ids.patient = patient;

  const encounter = ids.encounter ?? (await findOrCreateEncounter(ehr, note, target, patient, run));
  if (isStop(encounter)) return conclude(encounter);
  if (encounter) ids.encounter = encounter;

  const refs = { patientId: patient, ...(encounter ? { encounterId: encounter } : {}) };
  if (retraction && replacesId) {
    // The retracted document keeps its own relation to the version it replaced.
    const replacedByRetracted = state.delivered.find((d) => d.version === version - 1)?.documentReferenceId;
    const doc = mapDocumentReference(note, target, {
      ...refs,
      ...(replacedByRetracted ? { replacesId: replacedByRetracted } : {}),
    });
    const updated = await run.call('document-update', () => ehr.update({ ...doc, id: replacesId }));
    if (updated.kind !== 'ok') return conclude({ failure: updated });
    ids.documentReference = replacesId;
    return conclude();
  }

  const doc = mapDocumentReference(note, target, { ...refs, ...(replacesId ? { replacesId } : {}) });
  const versionToken = identifierToken(noteVersionIdentifier(senderId, event.note.id, version));
  const mode = documentWriteMode(target);
  if (mode === 'search-then-create') {
    const found = await run.call('document-search', () =>
      ehr.searchByIdentifier<DocumentReference>('DocumentReference', versionToken),
    );
    if (found.kind !== 'ok') return conclude({ failure: found });
    const existing = found.value[0]?.id;
    if (existing) {
      ids.documentReference = existing;
      return conclude();
    }
  }
  const createOptions = mode === 'conditional-create' ? ifNoneExist(versionToken) : {};
  const created = await run.call('document-create', () => ehr.create(doc, createOptions));
  if (created.kind !== 'ok') return conclude({ failure: created });
  ids.documentReference = created.value.id;
  return conclude();
}

function finish(
  run: AttemptRun,
  resourceIds: ResourceIds,
  attempt: number,
  options: DeliveryOptions,
  stop?: Stop,
): DeliveryResult {
  const base = { attempt: run.summary(), steps: run.steps, resourceIds };
  if (!stop) return { status: 'delivered', ...base };
  if ('park' in stop) return { status: 'parked', parkReason: stop.park, ...base };
  if ('failure' in stop && stop.failure.kind === 'rejected') {
    const { operationOutcome } = stop.failure;
    return {
      status: 'parked',
      parkReason: 'rejected',
      ...base,
      ...(operationOutcome ? { operationOutcome } : {}),
    };
  }
  const retryAfterMs =
    'failure' in stop && 'retryAfterMs' in stop.failure ? stop.failure.retryAfterMs : undefined;
  const exhausted = 'wait' in stop ? 'predecessor-not-delivered' : 'attempts-exhausted';
  const decision = afterTransientFailure(
    attempt,
    options.retry,
    retryAfterMs,
    options.random ?? Math.random,
    exhausted,
  );
  return decision.status === 'retry'
    ? { status: 'retry', retryAfterMs: decision.retryAfterMs, ...base }
    : { status: 'parked', parkReason: decision.reason, ...base };
}
