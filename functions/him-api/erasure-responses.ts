import * as z from 'zod';
import { DocumentSignatureSchema } from '../../shared/domain/seal/signed-document.js';

/** Response bodies of the erasure routes, for the published OpenAPI (the use cases build them). */
const NoteEventRef = z.object({
  senderId: z.string(),
  noteId: z.string(),
  version: z.int(),
  eventKind: z.enum(['finalized', 'amended', 'retracted']),
  receivedAt: z.string(),
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
