import type { LedgerEntry } from '../../shared/domain/ledger/entry.js';
import { toCsv } from '../../shared/domain/ledger/export.js';
import type { ListView } from './table.js';
import { textTable } from './table.js';

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

/** Ledger entries for a terminal (a few columns that fit a line) and as CSV (every column, as exported). */
export const LEDGER_VIEW: ListView<LedgerEntry> = {
  csv: (entries) => toCsv(entries),
  table: (entries) =>
    textTable(
      COLUMNS.map(([h]) => h),
      entries.map((e) => COLUMNS.map(([, cell]) => cell(e))),
    ),
};
