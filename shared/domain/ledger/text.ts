import type { LedgerEntry } from './entry.js';

const COLUMNS: Array<[string, (e: LedgerEntry) => string]> = [
  ['AT', (e) => e.at],
  ['KIND', (e) => e.kind],
  ['DECISION', (e) => e.decision],
  ['FROM', (e) => `${e.source.cell}/${e.source.country}`],
  ['TO', (e) => `${e.destination.cell}/${e.destination.country}`],
  ['RULE', (e) => e.ruleId ?? '-'],
  ['NOTE', (e) => (e.noteId ? `${e.noteId}@${e.noteVersion ?? '?'}` : '-')],
  ['SHARD:SEQ', (e) => `${e.shard}:${e.seq}`],
];

/** Entries as an aligned text table for a terminal. */
export function entryTable(entries: readonly LedgerEntry[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...entries.map((e) => COLUMNS.map(([, cell]) => cell(e)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
