import * as z from 'zod';
import {
  type BlockingHold,
  certificateBytes,
  type ErasureCertificate,
  type ErasurePreview,
  type ErasureRequest,
  previewErasure,
  previewFingerprint,
  retainedAfterErasure,
  type SignedErasureCertificate,
} from '../../../shared/domain/erasure/erasure.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import type { Principal } from '../auth.js';
import { PatientIdentifier, parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { requireCompletePatientIndex } from './patient-index.js';

export const ErasureBody = z.strictObject({ patient: PatientIdentifier });
export const ErasurePath = z.object({ erasureId: z.uuid({ error: 'must be an erasure id (a UUID)' }) });
export const CertificateQuery = z.object({ format: z.enum(['json', 'pdf']).default('json') });

/** The `pt_…` reference of a patient identifier. */
export const patientRefOf = (
  deps: Pick<HimDeps, 'pseudonymizer'>,
  identifier: { system: string; value: string },
): string => deps.pseudonymizer.patientRef([identifier]);

/**
 * What the cell holds of a patient now, as a preview; with `resuming`, the notes that
 * erasure already stripped count too (an execution cut short lists them all). Notes of a
 * release before the patient index are indexed first, so none is missed.
 */
async function currentPreview(deps: HimDeps, patientRef: string, resuming?: string): Promise<ErasurePreview> {
  await requireCompletePatientIndex(deps);
  const notes = await deps.erasures.patientNotes(patientRef);
  const key = await deps.patientKeys.find(patientRef);
  const organizations = [...new Set(notes.map((n) => n.tenant))];
  const holds: BlockingHold[] = (await deps.holds.activeFor(patientRef, organizations)).map((h) => ({
    holdId: h.holdId,
    scope: h.scope,
    subject: h.subject,
  }));
  return previewErasure({
    patientRef,
    ...(key ? { patientKeyId: key.keyId } : {}),
    notes: notes.filter((n) => n.stored || (resuming !== undefined && n.erasureId === resuming)),
    holds,
  });
}

export interface ErasureView {
  erasureId: string;
  state: ErasureRequest['state'];
  previewedAt: string;
  previewedBy: string;
  executedAt?: string;
  preview?: ErasurePreview;
}

/**
 * Files an erasure request and previews it: what would become unreadable, and what
 * conflicts (active holds, undelivered notes). Nothing is erased.
 *
 * @throws AppError('invalid-query') for a malformed identifier;
 *   AppError('unknown-patient') when the cell holds no note and no key of the patient.
 */
export async function fileErasure(deps: HimDeps, principal: Principal, body: unknown): Promise<ErasureView> {
  const { patient } = parseInput(ErasureBody, body, 'body');
  const patientRef = patientRefOf(deps, patient);
  const preview = await currentPreview(deps, patientRef);
  if (!preview.notes.length && !preview.patientKeyId) {
    throw new AppError('unknown-patient', 'this cell holds no notes and no key for that patient identifier');
  }
  const request: ErasureRequest = {
    erasureId: deps.ids.next(),
    patientRef,
    state: 'previewed',
    previewedAt: deps.clock.now().toISOString(),
    previewedBy: `him:${principal.user}`,
    fingerprint: previewFingerprint(preview),
  };
  await deps.erasures.create(request);
  return { ...viewOf(request), preview };
}

/** A request and, until it is executed, a fresh preview. */
export async function getErasure(deps: HimDeps, params: Record<string, string>): Promise<ErasureView> {
  const request = await requestOf(deps, params);
  return request.state === 'executed'
    ? viewOf(request)
    : { ...viewOf(request), preview: await currentPreview(deps, request.patientRef) };
}

/**
 * Executes a previewed erasure: destroys the patient's key (every ciphertext made with it,
 * in the table, in exports and in backups, is unreadable from now on), removes the
 * ciphertexts, appends an `erasure` entry to the ledger and signs a certificate. An
 * execution cut short is finished by executing again.
 *
 * @throws AppError('not-found') for an unknown id; AppError('erasure-executed') when it
 *   was executed already; AppError('erasure-not-previewed') when what the preview showed
 *   changed; AppError('erasure-blocked') when a hold or an undelivered note conflicts.
 */
export async function executeErasure(
  deps: HimDeps,
  principal: Principal,
  params: Record<string, string>,
): Promise<SignedErasureCertificate> {
  const request = await requestOf(deps, params);
  if (request.state === 'executed') {
    throw new AppError(
      'erasure-executed',
      `erasure ${request.erasureId} was executed at ${request.executedAt}`,
    );
  }
  const resuming = request.state === 'executing' ? request.erasureId : undefined;
  const preview = await currentPreview(deps, request.patientRef, resuming);
  if (request.state === 'previewed') {
    if (previewFingerprint(preview) !== request.fingerprint) {
      throw new AppError(
        'erasure-not-previewed',
        'what this erasure acts on changed since it was previewed (a note or a hold): file and preview it again',
      );
    }
    if (preview.blocked) {
      throw new AppError(
        'erasure-blocked',
        'an active legal hold or an undelivered note conflicts with this erasure',
        {
          holds: preview.holds.map((h) => h.holdId),
          undelivered: preview.undelivered.map(
            (n) => `${n.senderId}/${n.noteId}/${n.version}/${n.eventKind}`,
          ),
        },
      );
    }
  }
  const at = deps.clock.now().toISOString();
  const executedBy = `him:${principal.user}`;
  if (request.state === 'previewed') {
    const claimed = await deps.erasures.transition(request.erasureId, 'previewed', {
      state: 'executing',
      executedAt: at,
      executedBy,
    });
    if (!claimed) throw new AppError('erasure-executed', 'this erasure is being executed by another call');
  }
  const destroyedKeyId = (await deps.patientKeys.destroy(request.patientRef)) ?? preview.patientKeyId;
  const executedAt = request.executedAt ?? at;
  await deps.erasures.removeCiphertexts(preview.notes, request.erasureId, executedAt);
  const transferId = `erasure-${request.erasureId}`;
  // Once per request, however often an execution cut short is run again; the record names the request.
  await deps.ledger.appendOnce(
    transferId,
    [erasureEntry(deps, request, executedAt, executedBy, transferId, destroyedKeyId)],
    {
      bodyHash: request.fingerprint,
      receipt: {
        noteId: request.erasureId,
        version: 1,
        cell: deps.cell,
        receivedAt: executedAt,
        deliveryStatusUrl: `erasures/${request.erasureId}`,
      },
    },
  );
  const certificate: ErasureCertificate = {
    kind: 'visitbridge-erasure-certificate',
    version: 1,
    erasureId: request.erasureId,
    cell: deps.cell,
    patientRef: request.patientRef,
    previewedAt: request.previewedAt,
    previewedBy: request.previewedBy,
    executedAt,
    executedBy: request.executedBy ?? executedBy,
    destroyed: {
      ...(destroyedKeyId ? { patientKeyId: destroyedKeyId } : {}),
      keyStore: deps.patientKeyStore.name,
      notes: preview.notes.map(
        ({ senderId, noteId, version, eventKind, receivedAt, sealedUnderCellKey }) => ({
          senderId,
          noteId,
          version,
          eventKind,
          receivedAt,
          ...(sealedUnderCellKey ? { sealedUnderCellKey } : {}),
        }),
      ),
    },
    ehrActions: preview.ehrActions,
    ledgerEntry: { transferId },
    keyBackupWindowDays: deps.patientKeyStore.backupWindowDays,
    retained: retainedAfterErasure(preview.notes),
  };
  const signature = await deps.documents.sign('erasure-certificate', certificateBytes(certificate));
  const signed: SignedErasureCertificate = {
    certificate,
    signature: { format: 'visitbridge-document-signature/1', kind: 'erasure-certificate', ...signature },
  };
  await deps.erasures.transition(request.erasureId, 'executing', { state: 'executed', certificate: signed });
  return signed;
}

/** The signed certificate of an executed erasure. */
export async function erasureCertificate(
  deps: HimDeps,
  params: Record<string, string>,
): Promise<SignedErasureCertificate> {
  const request = await requestOf(deps, params);
  if (request.state !== 'executed' || !request.certificate) {
    throw new AppError(
      'not-found',
      `erasure ${request.erasureId} has no certificate: it is ${request.state}`,
    );
  }
  return request.certificate;
}

async function requestOf(deps: HimDeps, params: Record<string, string>): Promise<ErasureRequest> {
  const { erasureId } = parseInput(ErasurePath, params, 'path');
  const request = await deps.erasures.get(erasureId);
  if (!request) throw new AppError('not-found', `this cell has no erasure request ${erasureId}`);
  return request;
}

const viewOf = (r: ErasureRequest): ErasureView => ({
  erasureId: r.erasureId,
  state: r.state,
  previewedAt: r.previewedAt,
  previewedBy: r.previewedBy,
  ...(r.executedAt ? { executedAt: r.executedAt } : {}),
});

/** The ledger's record of an erasure: in the cell, of the patient's reference, by the officer. */
function erasureEntry(
  deps: HimDeps,
  request: ErasureRequest,
  at: string,
  actor: string,
  transferId: string,
  keyId: string | undefined,
): UnsealedEntry {
  const here = { country: deps.jurisdiction.countries[0] ?? 'ZZ', cell: deps.cell };
  return {
    transferId,
    at,
    kind: 'erasure',
    decision: 'allowed',
    source: here,
    destination: here,
    recipient: {},
    purpose: 'erasure',
    dataCategories: ['health-data'],
    mechanism: null,
    ruleId: null,
    reason: `erasure ${request.erasureId}: patient key ${keyId ?? '(none left)'} destroyed (GDPR Art. 17)`,
    safeguards: { keyId: deps.keyId, keyRegion: deps.keyRegion, pseudonymised: true },
    patientRef: request.patientRef,
    noteId: null,
    noteVersion: null,
    actor,
  };
}
