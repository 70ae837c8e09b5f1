import { csvField } from '../../shared/domain/ledger/export.js';
import type { CliIo } from './policy.js';

/** Rows as an aligned text table for a terminal (first row the header). */
export function textTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
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

/** How a command shows a list of items as CSV (with a header row) and as a terminal table. */
export interface ListView<T> {
  csv(items: readonly T[]): string;
  table(items: readonly T[]): string;
}

/** A list view by columns: a header, and a row of strings per item (CSV fields escaped, RFC 4180). */
export function columnsView<T>(header: string[], row: (item: T) => string[]): ListView<T> {
  return {
    csv: (items) => [header, ...items.map(row)].map((r) => `${r.map(csvField).join(',')}\r\n`).join(''),
    table: (items) => textTable(header, items.map(row)),
  };
}

/**
 * Writes one page of an HIM API list: the page as JSON, or its items as CSV or a
 * table. When more follow, a hint on stderr names the `--cursor` that continues
 * (JSON carries `nextCursor` itself).
 */
export function writePage<T>(
  io: CliIo,
  format: 'table' | 'json' | 'csv',
  page: { nextCursor?: string },
  items: readonly T[],
  view: ListView<T>,
  noun: string,
): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
  else io.stdout.write(format === 'csv' ? view.csv(items) : view.table(items));
  if (page.nextCursor && format !== 'json')
    io.stderr.write(`more ${noun}: add --cursor ${page.nextCursor}\n`);
}
