import type { VerifyReport } from '../../functions/him-api/use-cases/verify-report.js';

/** A verification report (the body of `ledger/verify`, `audit/verify`) for a terminal: a line per shard, the digest, the verdict. */
export function verifyReportText(what: 'ledger' | 'audit log', r: VerifyReport): string {
  const lines = r.shards.map((s) =>
    s.ok
      ? `shard ${s.shard}: ok, ${s.count} entries`
      : `shard ${s.shard}: FAILED, ${s.problem ?? 'problem'} at seq ${s.firstBadSeq ?? '?'}${s.detail ? `: ${s.detail}` : ''}`,
  );
  if (what === 'ledger') lines.push(`digest: ${r.digest === 'bad-signature' ? 'BAD SIGNATURE' : r.digest}`);
  lines.push(`${what} of cell ${r.cell}: ${r.ok ? 'OK' : 'TAMPERED'} (checked ${r.checkedAt})`);
  return `${lines.join('\n')}\n`;
}
