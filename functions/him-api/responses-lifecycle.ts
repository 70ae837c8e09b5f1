import * as z from 'zod';
import { DocumentSignatureSchema } from '../../shared/domain/seal/signed-document.js';

/** The JSON bodies of the records-lifecycle routes (legal holds, retention runs, erasure), for the published OpenAPI. */

const instant = z.string().describe('ISO 8601 instant');

export const LegalHold = z
  .object({
    holdId: z.string(),
    scope: z.enum(['patient', 'organization']),
    subject: z.string().describe('`pt_…` (the cell’s keyed patient reference) or an organization id'),
    reason: z.string().describe('a matter or case reference; no PHI'),
    placedBy: z.string(),
    placedAt: instant,
    releasedBy: z.string().optional(),
    releasedAt: instant.optional(),
  })
  .meta({
    id: 'LegalHold',
    description: 'A legal hold: while active, nothing it covers is deleted or erased',
  });

export const HoldList = z.object({ holds: z.array(LegalHold) }).meta({ id: 'HoldList' });

const Counts = z.object({
  deleted: z.int().min(0).describe('past their period and deleted'),
  held: z.int().min(0).describe('past their period, kept under a legal hold'),
  eligibleNotDeleted: z
    .int()
    .min(0)
    .describe(
      'past their period, kept on purpose (chained and sealed records; a note’s newest delivery record)',
    ),
});

export const RetentionReport = z
  .object({
    cell: z.string(),
    at: instant,
    trigger: z.string().describe('`schedule`, or `him:<user>` for a run a privacy officer started'),
    classes: z.object({
      noteAfterDelivery: Counts,
      parkedNote: Counts,
      outboxHistory: Counts,
      ledger: Counts,
      audit: Counts,
      digests: Counts,
    }),
    uncounted: z
      .array(z.string())
      .describe('classes the run does not count (digests live outside the table)'),
    skippedNotes: z.int().min(0).describe('notes left for the next run: their delivery moved on meanwhile'),
    indexedNotes: z
      .int()
      .min(0)
      .describe(
        'note versions stored before per-patient keys that this run put into the patient index, so patient holds and erasure find them (0 once all are)',
      ),
    notesRead: z
      .int()
      .min(0)
      .optional()
      .describe(
        'notes whose records the run read, one consistent query each: those something may be due of. Absent for runs of a release that did not count them',
      ),
  })
  .meta({
    id: 'RetentionReport',
    description: 'What one retention run did, by record class: no patient data',
  });

export const RetentionRuns = z.object({ runs: z.array(RetentionReport) }).meta({ id: 'RetentionRuns' });

export const RetentionRequested = z
  .object({ requestedBy: z.string(), requestedAt: instant })
  .meta({ id: 'RetentionRequested' });

/* Erasure (GDPR Art. 17). */
const NoteEventRef = z.object({
  senderId: z.string(),
  noteId: z.string(),
  version: z.int(),
  eventKind: z.enum(['finalized', 'amended', 'retracted']),
  receivedAt: z.string(),
  sealedUnderCellKey: z
    .literal(true)
    .optional()
    .describe(
      'stored before per-patient keys, sealed under the cell key: erasure removes it from the table, but its copies in table backups stay readable until those backups expire',
    ),
});

const EhrAction = z.object({
  ehrTarget: z.string(),
  documentReference: z
    .string()
    .meta({ description: 'e.g. DocumentReference/123: the EHR copy the HIM must action' }),
  noteId: z.string(),
  version: z.int(),
});

export const ErasurePreview = z
  .object({
    patientRef: z.string(),
    patientKeyId: z.string().optional(),
    notes: z.array(
      NoteEventRef.extend({
        tenant: z.string(),
        ehrTarget: z.string(),
        state: z.enum(['pending', 'retrying', 'waiting', 'delivered', 'parked']).optional(),
        documentReference: z.string().optional(),
        stored: z.boolean(),
      }),
    ),
    undelivered: z.array(NoteEventRef.passthrough()),
    holds: z.array(
      z.object({ holdId: z.string(), scope: z.enum(['patient', 'organization']), subject: z.string() }),
    ),
    ehrActions: z.array(EhrAction),
    blocked: z.boolean(),
  })
  .meta({ id: 'ErasurePreview' });

export const Erasure = z
  .object({
    erasureId: z.uuid(),
    state: z.enum(['previewed', 'executing', 'executed']),
    previewedAt: z.string(),
    previewedBy: z.string(),
    executedAt: z.string().optional(),
    preview: ErasurePreview.optional(),
  })
  .meta({ id: 'Erasure' });

export const ErasureCertificate = z
  .object({
    certificate: z.object({
      kind: z.literal('visitbridge-erasure-certificate'),
      version: z.literal(1),
      erasureId: z.uuid(),
      cell: z.string(),
      patientRef: z.string(),
      previewedAt: z.string(),
      previewedBy: z.string(),
      executedAt: z.string(),
      executedBy: z.string(),
      destroyed: z.object({
        patientKeyId: z.string().optional(),
        keyStore: z.string(),
        notes: z.array(NoteEventRef),
      }),
      ehrActions: z.array(EhrAction),
      ledgerEntry: z.object({ transferId: z.string() }),
      keyBackupWindowDays: z.int(),
      retained: z.array(z.string()),
    }),
    signature: DocumentSignatureSchema.meta({
      description:
        "The digest key's signature over the line `visitbridge-signed-document/1 erasure-certificate` and the canonical JSON of `certificate`",
    }),
  })
  .meta({ id: 'ErasureCertificate' });
