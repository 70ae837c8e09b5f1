import { csvTable } from '../../../shared/domain/ledger/export.js';
import type { ReportDocument } from '../../../shared/ports/report-renderer.js';
import type { DisclosedAccess, DisclosedMovement, DisclosureReport } from './disclosures.js';

const place = (p: { country: string; cell: string }) => `${p.country} (${p.cell})`;
const recipient = (m: DisclosedMovement) =>
  [m.recipient.organization, m.recipient.ehrTarget].filter(Boolean).join(' / ') || '-';
const mechanism = (m: DisclosedMovement) =>
  m.mechanism
    ? [
        m.mechanism.type,
        m.mechanism.reference,
        m.mechanism.expires ? `expires ${m.mechanism.expires}` : undefined,
      ]
        .filter(Boolean)
        .join(', ')
    : 'none (within the jurisdiction or denied)';

const MOVEMENT_COLUMNS = [
  'When',
  'Movement',
  'Decision',
  'From',
  'To',
  'Recipient',
  'Mechanism',
  'Purpose',
  'Note',
];
const movementRow = (m: DisclosedMovement): string[] => [
  m.at,
  m.kind,
  m.decision,
  place(m.source),
  place(m.destination),
  recipient(m),
  mechanism(m),
  m.purpose,
  m.noteId ? `${m.noteId} v${m.noteVersion ?? '?'}` : '-',
];
const ACCESS_COLUMNS = ['When', 'Who', 'Role', 'Purpose', 'From (country)', 'Outcome', 'What'];
const accessRow = (a: DisclosedAccess): string[] => [
  a.at,
  a.actor,
  a.role,
  a.purpose ?? '-',
  a.viewerCountry ?? 'unknown',
  a.outcome,
  a.target,
];

const CSV_COLUMNS = [
  'record',
  'at',
  'kind',
  'decision',
  'from',
  'to',
  'recipient',
  'mechanism',
  'mechanismReference',
  'mechanismExpires',
  'purpose',
  'note',
  'actor',
  'role',
  'viewerCountry',
  'outcome',
];

/**
 * The report as one CSV (RFC 4180): a `record` column says `movement` or `access`;
 * a movement fills the ledger's columns, an access the audit's (`kind` is its action,
 * `note` the note event it read).
 */
export function disclosureCsv(report: DisclosureReport): string {
  return csvTable(CSV_COLUMNS, [
    ...report.movements.map((m) => [
      'movement',
      m.at,
      m.kind,
      m.decision,
      place(m.source),
      place(m.destination),
      recipient(m),
      m.mechanism?.type,
      m.mechanism?.reference,
      m.mechanism?.expires,
      m.purpose,
      m.noteId ? `${m.noteId}/${m.noteVersion ?? ''}` : undefined,
    ]),
    ...report.accesses.map((a) => [
      'access',
      a.at,
      a.action,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      a.purpose,
      a.target,
      a.actor,
      a.role,
      a.viewerCountry,
      a.outcome,
    ]),
  ]);
}

/** The report as a letter to the patient (or whoever asked on their behalf). */
export function disclosureLetter(report: DisclosureReport): ReportDocument {
  const { from, to } = report.period;
  const none = report.movements.length === 0 && report.accesses.length === 0;
  return {
    title: 'Accounting of disclosures and access to your record',
    subtitle: `${report.jurisdiction} (cell ${report.cell}), ${from} to ${to}`,
    generatedAt: report.generatedAt,
    sections: [
      {
        heading: 'About this report',
        paragraphs: [
          'This report lists every movement of your visit notes across a border and every time a member of staff read one, as the service recorded them in its tamper-evident transfers ledger and audit log (HIPAA 45 CFR 164.528; GDPR Article 15).',
          `You are identified in these records only by the reference ${report.patientRef}, a keyed hash of the identifier given with the request; the identifier itself was not kept.`,
          none
            ? 'No movement of your notes and no access to them is recorded in this period.'
            : `In this period: ${report.movements.length} movement(s) and ${report.accesses.length} access(es).`,
        ],
      },
      {
        heading: 'Movements of your notes',
        paragraphs: [
          'Each movement names where the note went, who received it, and the legal mechanism that allowed it (with its expiry); a denied movement did not happen.',
        ],
        table: { columns: MOVEMENT_COLUMNS, rows: report.movements.map(movementRow) },
      },
      {
        heading: 'Access to your notes',
        paragraphs: [
          'Each access names the member of staff (by account), their role, the purpose they stated and the country they read it from.',
        ],
        table: { columns: ACCESS_COLUMNS, rows: report.accesses.map(accessRow) },
      },
    ],
  };
}
