import * as z from 'zod';
import { type AuditEntry, HIM_ROLE_NAMES } from '../../../shared/domain/audit/entry.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';
import { PURPOSES_OF_USE } from './notes.js';

const Text = z.string().min(1).max(512);

export const AuditQuery = z.object({
  from: Instant.optional(),
  to: Until.optional(),
  actor: Text.optional().describe('`him:<user>`'),
  role: z.enum(HIM_ROLE_NAMES).optional(),
  action: Text.optional().describe('e.g. `notes.view`'),
  target: Text.optional().describe('entries whose target starts with this, e.g. `note:demo/n-1`'),
  purpose: z.enum(PURPOSES_OF_USE).optional(),
  outcome: Text.optional().describe('`ok` or a problem code'),
  actionId: z
    .uuid()
    .optional()
    .describe('the entries of one HIM action (the `X-HIM-Action` id its calls carried)'),
  limit: Limit,
  cursor: z.string().min(1).optional(),
});

const withoutUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** One page of HIM audit entries in time order, filtered by who, what, why, how it ended, which action and when. */
export async function listAudit(
  deps: HimDeps,
  query: unknown,
): Promise<{ entries: AuditEntry[]; nextCursor?: string }> {
  const { limit, cursor, ...filter } = parseInput(AuditQuery, query);
  return deps.audit.query(withoutUndefined(filter), { limit, ...(cursor ? { cursor } : {}) });
}
