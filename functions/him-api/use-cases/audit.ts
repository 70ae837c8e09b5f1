import * as z from 'zod';
import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';

export const AuditQuery = z.object({
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
