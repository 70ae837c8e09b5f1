import * as z from 'zod';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { Instant, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';

/** One row of the corridor summary: movements of one kind, day, corridor, mechanism and decision. */
export interface CorridorRow {
  day: string;
  from: string;
  to: string;
  kind: LedgerEntry['kind'];
  mechanism: string | null;
  decision: LedgerEntry['decision'];
  count: number;
}

export const CorridorQuery = z.object({ from: Instant.optional(), to: Until.optional() });
const DEFAULT_DAYS = 30;

/**
 * Counts ledger entries per UTC day, corridor (source cell → destination cell),
 * kind, mechanism type and decision. Rows sorted by day, then corridor, kind,
 * decision, mechanism; erasures are left out. Pure.
 */
export function summarizeCorridors(entries: Iterable<LedgerEntry>): CorridorRow[] {
  const rows = new Map<string, CorridorRow>();
  for (const e of entries) {
    // Erasures are recorded in the ledger but move nothing across a corridor.
    if (e.kind === 'erasure') continue;
    const row: CorridorRow = {
      day: e.at.slice(0, 10),
      from: e.source.cell,
      to: e.destination.cell,
      kind: e.kind,
      mechanism: e.mechanism?.type ?? null,
      decision: e.decision,
      count: 0,
    };
    const key = [row.day, row.from, row.to, row.kind, row.decision, row.mechanism ?? ''].join('\u0000');
    const existing = rows.get(key) ?? row;
    existing.count += 1;
    rows.set(key, existing);
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** The corridor summary of `[from, to)`; the last 30 days when `from` is absent. */
export async function corridorSummary(deps: HimDeps, query: unknown): Promise<{ rows: CorridorRow[] }> {
  const q = parseInput(CorridorQuery, query);
  const to = q.to ?? deps.clock.now();
  const from = q.from ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  const entries: LedgerEntry[] = [];
  for await (const entry of deps.ledger.entries({ from, to })) entries.push(entry);
  return { rows: summarizeCorridors(entries) };
}
