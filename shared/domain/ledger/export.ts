import { escapeControl } from '../text/escape-control.js';
import type { LedgerEntry } from './entry.js';

type Column = [header: string, value: (e: LedgerEntry) => string | number | boolean | null | undefined];

/** CSV columns, flattened, in the order auditors read them. */
const COLUMNS: readonly Column[] = [
  ['transferId', (e) => e.transferId],
  ['at', (e) => e.at],
  ['kind', (e) => e.kind],
  ['decision', (e) => e.decision],
  ['sourceCountry', (e) => e.source.country],
  ['sourceCell', (e) => e.source.cell],
  ['destinationCountry', (e) => e.destination.country],
  ['destinationCell', (e) => e.destination.cell],
  ['recipientOrganization', (e) => e.recipient.organization],
  ['recipientEhrTarget', (e) => e.recipient.ehrTarget],
  ['purpose', (e) => e.purpose],
  ['dataCategories', (e) => e.dataCategories.join(';')],
  ['mechanismType', (e) => e.mechanism?.type],
  ['mechanismReference', (e) => e.mechanism?.reference],
  ['mechanismExpires', (e) => e.mechanism?.expires],
  ['ruleId', (e) => e.ruleId],
  ['reason', (e) => e.reason],
  ['keyId', (e) => e.safeguards.keyId],
  ['keyRegion', (e) => e.safeguards.keyRegion],
  ['pseudonymised', (e) => e.safeguards.pseudonymised],
  ['patientRef', (e) => e.patientRef],
  ['noteId', (e) => e.noteId],
  ['noteVersion', (e) => e.noteVersion],
  ['actor', (e) => e.actor],
  ['shard', (e) => e.shard],
  ['seq', (e) => e.seq],
  ['prevHash', (e) => e.prevHash],
  ['entryHash', (e) => e.entryHash],
];

/** The CSV column names, in order. */
export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([header]) => header);

/**
 * One CSV field per RFC 4180: quoted when it holds a comma or quote, quotes
 * doubled; empty for a missing value. Control characters (CR, LF, ESC, …) are
 * written as visible escapes (`\x0d`), so a field never breaks a row or steers a
 * terminal. A text that a spreadsheet would run as a formula (leading `=`, `+`,
 * `-`, `@`) is prefixed with `'`; a lone `-` is not a formula and stays as it is.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = escapeControl(String(value));
  if (typeof value === 'string' && text !== '-' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: the header line, then one record per row, CRLF-terminated. */
export const csvTable = (
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>,
): string => [columns, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');

/** The CSV header line, CRLF-terminated. */
export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

/** One entry as a CSV record, CRLF-terminated. */
export const csvRow = (entry: LedgerEntry): string =>
  `${COLUMNS.map(([, value]) => csvField(value(entry))).join(',')}\r\n`;

/** One entry as an NDJSON line (the entry as stored, hashes included, so it can be re-verified). */
export const ndjsonLine = (entry: LedgerEntry): string => `${JSON.stringify(entry)}\n`;

/** Entries as CSV with a header row (RFC 4180). */
export function toCsv(entries: Iterable<LedgerEntry>): string {
  let out = csvHeader();
  for (const entry of entries) out += csvRow(entry);
  return out;
}

/** Entries as newline-delimited JSON, one entry a line. */
export function toNdjson(entries: Iterable<LedgerEntry>): string {
  let out = '';
  for (const entry of entries) out += ndjsonLine(entry);
  return out;
}
