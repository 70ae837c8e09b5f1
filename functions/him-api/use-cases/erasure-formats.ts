import type { SignedErasureCertificate } from '../../../shared/domain/erasure/erasure.js';
import type { ReportDocument } from '../../../shared/ports/report-renderer.js';

/** The erasure certificate as a PDF report: what was destroyed, what the EHRs still hold, the signature. */
export function certificateReport({ certificate: c, signature }: SignedErasureCertificate): ReportDocument {
  const underCellKey = c.destroyed.notes.some((n) => n.sealedUnderCellKey);
  return {
    title: 'Erasure certificate',
    subtitle: `Cell ${c.cell} · erasure ${c.erasureId}`,
    generatedAt: c.executedAt,
    sections: [
      {
        heading: 'Erasure',
        paragraphs: [
          `Patient (pseudonymous reference): ${c.patientRef}`,
          `Previewed ${c.previewedAt} by ${c.previewedBy}; executed ${c.executedAt} by ${c.executedBy}.`,
          `Recorded in the transfers ledger as ${c.ledgerEntry.transferId}.`,
        ],
      },
      {
        heading: 'Destroyed',
        paragraphs: [
          `Patient key ${c.destroyed.patientKeyId ?? '(none left)'} in ${c.destroyed.keyStore}: every copy of the notes below${underCellKey ? ' sealed under it' : ''}, in the table, in exports and in backups, is unreadable.`,
          ...(underCellKey
            ? [
                'Notes sealed under the cell key were stored before per-patient keys: they are removed from the table, and their copies in table backups stay readable under the cell key until those backups expire.',
              ]
            : []),
          c.keyBackupWindowDays > 0
            ? `The key store's own backups could restore the key for ${c.keyBackupWindowDays} days after the erasure; after that no copy of it exists.`
            : 'The key store keeps no backups: no copy of the key exists.',
        ],
        table: {
          columns: ['Sender', 'Note', 'Version', 'Event', 'Received', 'Sealed under'],
          rows: c.destroyed.notes.map((n) => [
            n.senderId,
            n.noteId,
            String(n.version),
            n.eventKind,
            n.receivedAt,
            n.sealedUnderCellKey ? 'cell key' : 'patient key',
          ]),
        },
      },
      {
        heading: 'To action on the EHR side',
        paragraphs: [
          c.ehrActions.length
            ? 'The EHRs below hold a copy of an erased note: visitbridge cannot erase it there; the HIM must.'
            : 'No EHR holds a copy of the erased notes.',
        ],
        ...(c.ehrActions.length
          ? {
              table: {
                columns: ['EHR', 'DocumentReference', 'Note', 'Version'],
                rows: c.ehrActions.map((a) => [
                  a.ehrTarget,
                  a.documentReference,
                  a.noteId,
                  String(a.version),
                ]),
              },
            }
          : {}),
      },
      { heading: 'Retained', paragraphs: c.retained },
      {
        heading: 'Signature',
        paragraphs: [
          `${signature.alg} by ${signature.keyId} over the canonical JSON of the certificate (the JSON form of this certificate carries it): check it with the cell's digest public key (GET integrity/public-key).`,
          signature.signature,
        ],
      },
    ],
  };
}
