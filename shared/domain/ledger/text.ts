import type { LedgerEntry } from './entry.js';
import type { LedgerVerification } from './verify-ledger.js';

const COLUMNS: Array<[string, (e: LedgerEntry) => string]> = [
  ['AT', (e) => e.at],
  ['KIND', (e) => e.kind],
  ['DECISION', (e) => e.decision],
  ['FROM', (e) => `${e.source.cell}/${e.source.country}`],
  ['TO', (e) => `${e.destination.cell}/${e.destination.country}`],
  ['RULE', (e) => e.ruleId ?? '-'],
  ['NOTE', (e) => (e.noteId ? `${e.noteId}@${e.noteVersion ?? '?'}` : '-')],
  ['SHARD:SEQ', (e) => `${e.shard}:${e.seq}`],
  ['REVIEW', (e) => e.reviewState],
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

/** A verification result for a terminal: one line per shard, then the digest. */
export function verificationReport(result: LedgerVerification): string {
  const lines = result.shards.map(({ shard, result: r }) =>
    r.ok
      ? `shard ${shard}: ok, ${r.count} entries, head seq ${r.head.seq} ${r.head.hash.slice(0, 12)}…`
      : `shard ${shard}: FAILED, ${r.problem} at seq ${r.firstBadSeq}: ${r.detail}`,
  );
  const d = result.digest;
  lines.push(
    d.status === 'absent'
      ? 'digest: none yet (chains checked against their heads only)'
      : d.status === 'valid'
        ? `digest: signature valid (${d.at}, key ${d.keyId}), pinned heads present`
        : `digest: BAD SIGNATURE (${d.at}, key ${d.keyId})`,
  );
  lines.push(`ledger of cell ${result.cell}: ${result.ok ? 'OK' : 'TAMPERED'}`);
  return `${lines.join('\n')}\n`;
}
