import { createHash } from 'node:crypto';
import type { DeliveryState, NoteEventKind } from '../delivery/outbox-item.js';
import { canonicalJson } from '../ledger/canonical.js';
import { type DocumentSignature, documentSignatureValid } from '../seal/signed-document.js';

/** One stored note event of a patient, as erasure sees it: ids and metadata, never content. */
export interface PatientNoteEvent {
  senderId: string;
  noteId: string;
  version: number;
  eventKind: NoteEventKind;
  tenant: string;
  receivedAt: string;
  ehrTarget: string;
  /** Delivery state of the event; `undefined` when its outbox item is gone. */
  state?: DeliveryState;
  /** The DocumentReference the EHR holds for it, once delivered. */
  documentReference?: string;
  /** The ciphertext is still stored (false once erased or expired). */
  stored: boolean;
  /** The erasure that removed the ciphertext, if one did. */
  erasureId?: string;
  /**
   * Sealed under the cell key by a release before per-patient keys: erasure removes it from
   * the table, but destroying the patient key does not reach its copies in table backups.
   */
  sealedUnderCellKey?: true;
}

/** A hold that blocks the erasure: its id and scope, nothing about the matter. */
export interface BlockingHold {
  holdId: string;
  scope: 'patient' | 'organization';
  subject: string;
}

/** What an erasure would do, shown before it is done. PHI-free: the patient is its `pt_…` reference. */
export interface ErasurePreview {
  patientRef: string;
  /** The patient key that would be destroyed; absent when there is none. */
  patientKeyId?: string;
  /** Every stored note event of the patient: all become unreadable. */
  notes: PatientNoteEvent[];
  /** Events not yet delivered (pending, retrying, waiting or parked): erasing them loses them for the EHR. */
  undelivered: PatientNoteEvent[];
  holds: BlockingHold[];
  /** What the HIM must action on the EHR side: each delivered DocumentReference. */
  ehrActions: Array<{ ehrTarget: string; documentReference: string; noteId: string; version: number }>;
  /** Blocked when a hold or an undelivered note conflicts. */
  blocked: boolean;
}

const UNDELIVERED: ReadonlySet<DeliveryState> = new Set(['pending', 'retrying', 'waiting', 'parked']);

/** The preview of erasing a patient, from what the cell holds of them. */
export function previewErasure(input: {
  patientRef: string;
  patientKeyId?: string;
  notes: readonly PatientNoteEvent[];
  holds: readonly BlockingHold[];
}): ErasurePreview {
  const notes = [...input.notes].sort(byEvent);
  const undelivered = notes.filter((n) => n.state !== undefined && UNDELIVERED.has(n.state));
  const ehrActions = notes.flatMap((n) =>
    n.documentReference
      ? [
          {
            ehrTarget: n.ehrTarget,
            documentReference: n.documentReference,
            noteId: n.noteId,
            version: n.version,
          },
        ]
      : [],
  );
  return {
    patientRef: input.patientRef,
    ...(input.patientKeyId ? { patientKeyId: input.patientKeyId } : {}),
    notes,
    undelivered,
    holds: [...input.holds].sort((a, b) => a.holdId.localeCompare(b.holdId)),
    ehrActions,
    blocked: undelivered.length > 0 || input.holds.length > 0,
  };
}

/**
 * What an execution must find unchanged since the preview: the note events, their delivery
 * and the holds. The key id is left out, so an execution cut short (key already destroyed)
 * can be run again to its end.
 */
export function previewFingerprint(preview: ErasurePreview): string {
  const notes = preview.notes.map((n) => [n.senderId, n.noteId, n.version, n.eventKind, n.state ?? null]);
  const holds = preview.holds.map((h) => h.holdId);
  return createHash('sha256')
    .update(canonicalJson({ patientRef: preview.patientRef, notes, holds }))
    .digest('hex');
}

const byEvent = (a: PatientNoteEvent, b: PatientNoteEvent) =>
  a.receivedAt.localeCompare(b.receivedAt) ||
  a.senderId.localeCompare(b.senderId) ||
  a.noteId.localeCompare(b.noteId) ||
  a.version - b.version ||
  a.eventKind.localeCompare(b.eventKind);

/** Where an erasure request stands. `executing` survives a crash mid-way: executing again finishes it. */
export type ErasureState = 'previewed' | 'executing' | 'executed';

/** A privacy officer's erasure request (GDPR Art. 17), kept as its own record. PHI-free. */
export interface ErasureRequest {
  erasureId: string;
  patientRef: string;
  state: ErasureState;
  previewedAt: string;
  previewedBy: string;
  /** `previewFingerprint` of the preview the officer saw. */
  fingerprint: string;
  executedAt?: string;
  executedBy?: string;
  certificate?: SignedErasureCertificate;
}

/** The erasure certificate: what was destroyed, and what the HIM must action elsewhere. */
export interface ErasureCertificate {
  kind: 'visitbridge-erasure-certificate';
  version: 1;
  erasureId: string;
  cell: string;
  patientRef: string;
  previewedAt: string;
  previewedBy: string;
  executedAt: string;
  executedBy: string;
  destroyed: {
    /** The patient key destroyed (absent when the patient had none left). */
    patientKeyId?: string;
    keyStore: string;
    /**
     * Each note event whose ciphertext is removed from the table and, sealed under the patient key,
     * unreadable everywhere, backups and exports included; `sealedUnderCellKey` marks those whose
     * backup copies stay readable until the backups expire (`retained` says so).
     */
    notes: Array<
      Pick<
        PatientNoteEvent,
        'senderId' | 'noteId' | 'version' | 'eventKind' | 'receivedAt' | 'sealedUnderCellKey'
      >
    >;
  };
  /** DocumentReferences the EHRs hold: visitbridge cannot erase them; the HIM must. */
  ehrActions: ErasurePreview['ehrActions'];
  /** The ledger entry that records the erasure. */
  ledgerEntry: { transferId: string };
  /** How long a destroyed key can still come back from the key store's own backups. */
  keyBackupWindowDays: number;
  /** What stays, and why. */
  retained: string[];
}

/**
 * A certificate with its signature by the cell's digest key (ECDSA P-256), over
 * `documentSigningBytes('erasure-certificate', certificateBytes(certificate))`.
 */
export interface SignedErasureCertificate {
  certificate: ErasureCertificate;
  signature: DocumentSignature;
}

/** Whether a certificate's signature holds under the cell's digest public key. Pure and offline. */
export const certificateSignatureValid = (signed: SignedErasureCertificate, publicKeyPem: string): boolean =>
  signed.signature.kind === 'erasure-certificate' &&
  documentSignatureValid(signed.signature, certificateBytes(signed.certificate), publicKeyPem);

/** The bytes a certificate's signature covers: its canonical JSON. */
export const certificateBytes = (certificate: ErasureCertificate): Uint8Array =>
  Buffer.from(canonicalJson(certificate), 'utf8');

/** What stays after an erasure (stated on every certificate). */
export const RETAINED_AFTER_ERASURE = [
  'ledger and audit entries (pseudonymous: ids, codes and the patient reference only; they keep the chains verifiable)',
  'note metadata without content (ids, versions, delivery state) for the delivery history',
];

/** What stays after erasing these note events: every certificate's lines, and one for notes sealed under the cell key. */
export function retainedAfterErasure(
  notes: readonly Pick<PatientNoteEvent, 'sealedUnderCellKey'>[],
): string[] {
  const underCellKey = notes.filter((n) => n.sealedUnderCellKey).length;
  if (underCellKey === 0) return RETAINED_AFTER_ERASURE;
  return [
    ...RETAINED_AFTER_ERASURE,
    `copies in table backups of the ${underCellKey} note event(s) marked sealedUnderCellKey (stored before per-patient keys): removed from the table now, they stay readable under the cell key until those backups expire`,
  ];
}
