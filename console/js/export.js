/**
 * Pure merging of per-cell ledger exports into one file (no DOM): CSV gets a
 * first `cell` column, NDJSON a `cell` field on each entry. Each cell's rows are
 * kept exactly as its API wrote them (escapes and formula guards included).
 */

/** A cell's export could not be merged (unreadable or a different header). */
export class ExportMergeError extends Error {
  /** @param {string} cell  @param {string} message */
  constructor(cell, message) {
    super(`${cell}: ${message}`);
    this.name = 'ExportMergeError';
    this.cell = cell;
  }
}

/**
 * Splits CSV text (RFC 4180) into its records, each as written without its line
 * break; a line break inside a quoted field stays in its record. Blank lines are dropped.
 * @throws {Error} on an unterminated quoted field
 */
export function csvRecords(text) {
  const records = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      records.push(text.slice(start, i));
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  if (quoted) throw new Error('a quoted field is not closed');
  records.push(text.slice(start));
  return records.filter((r) => r !== '');
}

/**
 * The fields of one CSV record, unquoted (`"a,b"` → `a,b`, `""` → `"`).
 * @throws {Error} on a quote in the middle of an unquoted field
 */
export function csvFields(record) {
  const fields = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (record[i] === '"') {
      i++;
      for (;;) {
        const close = record.indexOf('"', i);
        if (close < 0) throw new Error('a quoted field is not closed');
        value += record.slice(i, close);
        if (record[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      if (i < record.length && record[i] !== ',') throw new Error('text after a closing quote');
    } else {
      const comma = record.indexOf(',', i);
      value = record.slice(i, comma < 0 ? record.length : comma);
      if (value.includes('"')) throw new Error('a quote inside an unquoted field');
      i = comma < 0 ? record.length : comma;
    }
    fields.push(value);
    if (i >= record.length) return fields;
    i++;
  }
}

/** One CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One CSV across cells: the header once with `cell` first, then each cell's rows
 * prefixed with its id. A cell with no rows adds nothing.
 * @param {Array<{ cell: string, text: string }>} parts each cell's export, in the order wanted
 * @returns {{ text: string, counts: Array<{ cell: string, entries: number }>, total: number }}
 *   `text` is '' when no cell had an entry
 * @throws {ExportMergeError} when a cell's CSV is unreadable or its header differs from the others
 */
export function mergeCsv(parts) {
  let header;
  const lines = [];
  const counts = [];
  for (const { cell, text } of parts) {
    let records;
    try {
      records = csvRecords(text);
      if (records.length) csvFields(records[0]);
    } catch (error) {
      throw new ExportMergeError(cell, `unreadable CSV (${error.message})`);
    }
    const [head, ...rows] = records;
    if (head !== undefined) {
      if (csvFields(head).includes('cell'))
        throw new ExportMergeError(cell, 'the CSV already has a cell column');
      if (header === undefined) header = head;
      else if (head !== header)
        throw new ExportMergeError(cell, 'its CSV columns differ from the other cells');
    }
    for (const row of rows) lines.push(`${csvField(cell)},${row}\r\n`);
    counts.push({ cell, entries: rows.length });
  }
  const total = lines.length;
  return { text: total ? `cell,${header}\r\n${lines.join('')}` : '', counts, total };
}

/**
 * One NDJSON across cells: each entry as the cell wrote it, with `"cell"` added
 * first. Blank lines are dropped; a cell with no entries adds nothing.
 * @param {Array<{ cell: string, text: string }>} parts
 * @returns {{ text: string, counts: Array<{ cell: string, entries: number }>, total: number }}
 * @throws {ExportMergeError} when a line is not a JSON object, or already has a `cell` field
 */
export function mergeNdjson(parts) {
  const lines = [];
  const counts = [];
  for (const { cell, text } of parts) {
    let entries = 0;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new ExportMergeError(cell, 'a line of its NDJSON is not JSON');
      }
      if (!entry || typeof entry !== 'object' || Array.isArray(entry))
        throw new ExportMergeError(cell, 'a line of its NDJSON is not an object');
      if ('cell' in entry) throw new ExportMergeError(cell, 'an entry already has a cell field');
      const rest = line.slice(1).trimStart();
      lines.push(`{"cell":${JSON.stringify(cell)}${rest === '}' ? '' : ','}${rest}\n`);
      entries++;
    }
    counts.push({ cell, entries });
  }
  return { text: lines.join(''), counts, total: lines.length };
}

/**
 * Merges per-cell exports of one format.
 * @param {'csv' | 'ndjson'} format
 * @throws {ExportMergeError}
 */
export function mergeExports(format, parts) {
  return format === 'ndjson' ? mergeNdjson(parts) : mergeCsv(parts);
}

/** The day (`YYYY-MM-DD`) of an ISO instant, or '' for none. */
const dayOf = (iso) => (iso ? String(iso).slice(0, 10) : '');

/**
 * Name of the merged file: `visitbridge-ledger-<from>-<to>.<csv|ndjson>`, the
 * filter's days; an open start is `start`, an open end is `today`'s day.
 * @param {{ from?: string, to?: string, format: 'csv' | 'ndjson', today: string }} options ISO instants
 */
export function exportFilename({ from, to, format, today }) {
  return `visitbridge-ledger-${dayOf(from) || 'start'}-${dayOf(to) || dayOf(today)}.${format}`;
}

/** MIME type of a merged export. */
export const exportType = (format) =>
  format === 'ndjson' ? 'application/x-ndjson' : 'text/csv;charset=utf-8';

/**
 * What an export saved, for the status notice: how many entries from which cells
 * and the file name; the cells without entries; the cells that failed.
 * @param {{ counts: Array<{ cell: string, entries: number }>, total: number }} merged
 * @param {string} filename '' when nothing was saved
 * @param {string[]} failedCells ids of the cells whose export failed
 */
export function exportSummary(merged, filename, failedCells = []) {
  const entries = (n) => `${n} ledger ${n === 1 ? 'entry' : 'entries'}`;
  const withEntries = merged.counts.filter((c) => c.entries > 0);
  const without = merged.counts.filter((c) => c.entries === 0).map((c) => c.cell);
  const parts = [
    merged.total
      ? `Saved ${entries(merged.total)} from ${withEntries.map((c) => `${c.cell} (${c.entries})`).join(', ')} to ${filename}.`
      : `Nothing saved: no ledger entries match these filters${merged.counts.length ? ` in ${without.join(', ')}` : ''}.`,
  ];
  if (merged.total && without.length) parts.push(`No entries in ${without.join(', ')}.`);
  if (failedCells.length) parts.push(`Not exported from ${failedCells.join(', ')} (see the problem below).`);
  return parts.join(' ');
}
