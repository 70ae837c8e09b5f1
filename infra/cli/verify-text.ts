/** The body of the HIM API's `ledger/verify` and `audit/verify`. */
export interface VerifyReportBody {
  ok: boolean;
  cell: string;
  shards: Array<{
    shard: number;
    ok: boolean;
    count: number;
    firstBadSeq?: number;
    problem?: string;
    detail?: string;
  }>;
  digest: 'absent' | 'valid' | 'bad-signature';
  checkedAt: string;
}

/** A verification report for a terminal: a line per shard, the digest, the verdict. */
export function verifyReportText(what: 'ledger' | 'audit log', r: VerifyReportBody): string {
  const lines = r.shards.map((s) =>
    s.ok
      ? `shard ${s.shard}: ok, ${s.count} entries`
      : `shard ${s.shard}: FAILED, ${s.problem ?? 'problem'} at seq ${s.firstBadSeq ?? '?'}${s.detail ? `: ${s.detail}` : ''}`,
  );
  if (what === 'ledger') lines.push(`digest: ${r.digest === 'bad-signature' ? 'BAD SIGNATURE' : r.digest}`);
  lines.push(`${what} of cell ${r.cell}: ${r.ok ? 'OK' : 'TAMPERED'} (checked ${r.checkedAt})`);
  return `${lines.join('\n')}\n`;
}
