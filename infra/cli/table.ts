import { csvField } from '../../shared/domain/ledger/export.js';
import { escapeControl, escapeControlJson } from '../../shared/domain/text/escape-control.js';
import type { CliIo } from './policy.js';
import type { Format } from './run.js';

/** Rows as an aligned text table for a terminal (first row the header), control characters escaped. */
export function textTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((r) => r.map(escapeControl));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** A value as JSON for a terminal: indented, every control character inside a string escaped. */
export const jsonText = (value: unknown): string => `${escapeControlJson(JSON.stringify(value, null, 2))}\n`;

/** How a command shows a list of items as CSV (with a header row) and as a terminal table. */
export interface ListView<T> {
  csv(items: readonly T[]): string;
  table(items: readonly T[]): string;
}

/**
 * A list view by columns: a header, and a row of cells per item. A missing cell
 * (`undefined`) is empty in CSV and `-` in a table; CSV fields are escaped per RFC 4180.
 */
export function columnsView<T>(header: string[], row: (item: T) => Array<string | undefined>): ListView<T> {
  return {
    csv: (items) => [header, ...items.map(row)].map((r) => `${r.map(csvField).join(',')}\r\n`).join(''),
    table: (items) =>
      textTable(
        header,
        items.map((item) => row(item).map((cell) => cell ?? '-')),
      ),
  };
}

/**
 * Writes one page of an HIM API list: the page as JSON, or its items as CSV or a
 * table. When more follow, a hint on stderr names the `--cursor` that continues
 * (JSON carries `nextCursor` itself).
 */
export function writePage<T>(
  io: CliIo,
  format: Format,
  page: { nextCursor?: string },
  items: readonly T[],
  view: ListView<T> & { ndjson?(items: readonly T[]): string },
  noun: string,
): void {
  if (format === 'json') io.stdout.write(jsonText(page));
  else if (format === 'ndjson')
    io.stdout.write(items.map((i) => escapeControlJson(`${JSON.stringify(i)}\n`)).join(''));
  else io.stdout.write(format === 'csv' ? view.csv(items) : view.table(items));
  if (page.nextCursor && format !== 'json')
    io.stderr.write(`more ${noun}: add --cursor ${page.nextCursor}\n`);
}
