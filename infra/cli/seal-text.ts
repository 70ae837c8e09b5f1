import type { SealReport } from '../../shared/domain/seal/verify-sealed.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import type { SealSummary } from '../../shared/ports/sealer.js';

const NAMES = { ledger: 'ledger', audit: 'audit log' } as const;

/**
 * A seal report (`GET ledger/verify`, `GET audit/verify`, an offline bundle check)
 * for a terminal: the digest chain, a line per shard with its sealed and unsealed
 * records, the unsealed deadline, strays, every problem (the first names the first
 * bad item), then the verdict. Control characters escaped.
 */
export function sealReportText(r: SealReport): string {
  const d = r.digests;
  const latest = d.latest ? `; latest seq ${d.latest.seq} at ${d.latest.at}, key ${d.latest.keyId}` : '';
  const lines = [
    `digest chain: ${d.count} digest(s), ${d.ok ? 'ok' : `FAILED${d.problem ? `: ${d.problem}` : ''}`}${latest}`,
  ];
  for (const s of r.shards) {
    const counts = `${s.count} records (${s.sealed} sealed, ${s.unsealed} unsealed)`;
    lines.push(
      s.ok
        ? `shard ${s.shard}: ok, ${counts}`
        : `shard ${s.shard}: FAILED, ${s.problem ?? 'problem'} at seq ${s.firstBadSeq ?? '?'}, ${counts}${s.detail ? `: ${s.detail}` : ''}`,
    );
  }
  const u = r.unsealed;
  lines.push(
    u.count === 0
      ? 'unsealed: none'
      : `unsealed: ${u.count} record(s) since ${u.oldestAt ?? '?'}${u.mustBeSealedBy ? `, must be sealed by ${u.mustBeSealedBy}` : ''}${u.ok ? '' : ' (OVERDUE)'}`,
  );
  lines.push(r.strays.length === 0 ? 'strays: none' : `strays: ${r.strays.length}`);
  for (const s of r.strays) lines.push(`  ${s.key}: ${s.reason}`);
  if (r.problems.length > 0) lines.push('problems (first bad item first):');
  for (const [i, p] of r.problems.entries()) lines.push(`  ${i + 1}. ${p}`);
  lines.push(`${NAMES[r.chain]} of cell ${r.cell}: ${r.ok ? 'OK' : 'FAILED'} (checked ${r.checkedAt})`);
  return `${lines.map(escapeControl).join('\n')}\n`;
}

/** What one new digest sealed, for a terminal. */
export function sealSummaryText(s: SealSummary): string {
  const heads = s.shards.map((h) => `shard ${h.shard} seq ${h.seq}`).join(', ');
  return `${escapeControl(
    `sealed the ${NAMES[s.chain]} of cell ${s.cell}: digest ${s.seq} at ${s.at}, key ${s.keyId}, ${s.newlySealed} newly sealed (${heads})`,
  )}\n`;
}
