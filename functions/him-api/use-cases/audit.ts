import * as z from 'zod';
import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { verifyAuditLog } from '../../../shared/domain/audit/verify-audit.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';
import { shardReport, type VerifyReport } from './verify-report.js';

const AuditQuery = z.object({
  from: Instant.optional(),
  to: Until.optional(),
  limit: Limit,
  cursor: z.string().min(1).optional(),
});

/** One page of HIM audit entries in time order. */
export async function listAudit(
  deps: HimDeps,
  query: unknown,
): Promise<{ entries: AuditEntry[]; nextCursor?: string }> {
  const q = parseInput(AuditQuery, query);
  return deps.audit.query(
    { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) },
    { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
  );
}

/** Verifies every audit chain against its head (the audit log has no signed digest: `digest: 'absent'`). */
export async function verifyAudit(deps: HimDeps): Promise<VerifyReport> {
  const result = await verifyAuditLog(deps.audit);
  return {
    ok: result.ok,
    cell: result.cell,
    shards: result.shards.map((s) => shardReport(s.shard, s.result, s.count)),
    digest: 'absent',
    checkedAt: deps.clock.now().toISOString(),
  };
}
