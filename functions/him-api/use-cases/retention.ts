import * as z from 'zod';
import { RETENTION_ACTION, type RetentionReport, reportOf } from '../../../shared/domain/retention/run.js';
import type { Principal } from '../auth.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';

export const RunsQuery = z
  .object({ from: Instant.optional(), to: Until.optional(), limit: Limit })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

/**
 * The cell's last retention reports, newest first: what each run deleted, kept under
 * a legal hold, or counted and kept, by record class (read from the audit log).
 *
 * @throws AppError('invalid-query') for a bad or upside-down period.
 */
export async function listRuns(deps: HimDeps, query: unknown): Promise<{ runs: RetentionReport[] }> {
  const { limit, from, to } = parseInput(RunsQuery, query);
  const { entries } = await deps.audit.query(
    { action: RETENTION_ACTION, ...(from ? { from } : {}), ...(to ? { to } : {}) },
    { limit },
  );
  return { runs: entries.flatMap((entry) => reportOf(entry, deps.cell) ?? []) };
}

/**
 * A privacy officer starts a retention run now; its report joins `GET retention/runs`
 * when it ends (at once locally, within the function's run in AWS).
 */
export async function requestRun(
  deps: HimDeps,
  principal: Principal,
): Promise<{ requestedBy: string; requestedAt: string }> {
  const requestedBy = `him:${principal.user}` as const;
  const requestedAt = deps.clock.now().toISOString();
  await deps.retention.start(requestedBy);
  return { requestedBy, requestedAt };
}
