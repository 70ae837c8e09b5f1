import * as z from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import { LEDGER_KINDS, type LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { csvHeader, csvRow, ndjsonLine } from '../../../shared/domain/ledger/export.js';
import { CORRIDOR_PATTERN } from '../../../shared/domain/policy/model.js';
import type { ReviewStatus } from '../../../shared/domain/review/review.js';
import type { LedgerFilter } from '../../../shared/ports/ledger.js';
import { Instant, Limit, parseInput, Until } from '../query.js';
import type { HimDeps } from './context.js';
import { withReviews } from './reviewed.js';

export const Filters = {
  from: Instant.optional(),
  to: Until.optional(),
  kind: z.enum(LEDGER_KINDS).optional(),
  decision: z.enum(['allowed', 'denied']).optional(),
  corridor: z.string().regex(CORRIDOR_PATTERN, 'must be FROM:TO jurisdiction ids, e.g. uk:us').optional(),
  noteId: z.string().min(1).max(256).optional(),
  /** A real patient identifier `<system>|<value>`: turned into the pseudonymous ref, never kept. */
  patient: z
    .string()
    .regex(/^[^|]+\|.+$/, 'must be <system>|<value>')
    .optional(),
};
export const LedgerQuery = z.object({ ...Filters, limit: Limit, cursor: z.string().min(1).optional() });
export const ExportQuery = z.object({ ...Filters, format: z.enum(['csv', 'ndjson']).default('csv') });

/** Lambda's response limit is 6 MB; leave room for headers and encoding. */
const EXPORT_MAX_BYTES = 5_000_000;

/** The store filter for API query parameters; a patient identifier becomes its cell-keyed reference. */
export function ledgerFilter(
  deps: Pick<HimDeps, 'pseudonymizer'>,
  q: z.infer<typeof ExportQuery>,
): LedgerFilter {
  const filter: LedgerFilter = {};
  if (q.from) filter.from = q.from;
  if (q.to) filter.to = q.to;
  if (q.kind) filter.kind = q.kind;
  if (q.decision) filter.decision = q.decision;
  if (q.corridor) {
    const [from = '', to = ''] = q.corridor.split(':');
    filter.corridor = { from, to };
  }
  if (q.noteId) filter.noteId = q.noteId;
  if (q.patient) {
    const bar = q.patient.indexOf('|');
    filter.patientRef = deps.pseudonymizer.patientRef([
      { system: q.patient.slice(0, bar), value: q.patient.slice(bar + 1) },
    ]);
  }
  return filter;
}

/** One page of ledger entries in time order. */
export async function listLedger(
  deps: HimDeps,
  query: unknown,
): Promise<{ entries: LedgerEntry[]; reviews: Record<string, ReviewStatus>; nextCursor?: string }> {
  const q = parseInput(LedgerQuery, query);
  const page = await deps.ledger.query(ledgerFilter(deps, { ...q, format: 'csv' }), {
    limit: q.limit,
    ...(q.cursor ? { cursor: q.cursor } : {}),
  });
  // The records exactly as sealed (an export or bundle of them verifies); review state beside them, by position.
  const reviews = Object.fromEntries(
    (await withReviews(deps, page.entries)).map((e) => [e.review.ref, e.review]),
  );
  return { ...page, reviews };
}

/**
 * Every matching entry as CSV (RFC 4180, with header) or NDJSON.
 *
 * @throws AppError('export-too-large') past 5 MB: narrow the range or page with `GET ledger`.
 */
export async function exportLedger(
  deps: HimDeps,
  query: unknown,
): Promise<{ body: string; contentType: string; filename: string }> {
  const q = parseInput(ExportQuery, query);
  const csv = q.format === 'csv';
  const parts: string[] = csv ? [csvHeader()] : [];
  let size = parts[0]?.length ?? 0;
  for await (const entry of deps.ledger.entries(ledgerFilter(deps, q))) {
    const line = csv ? csvRow(entry) : ndjsonLine(entry);
    size += Buffer.byteLength(line);
    if (size > EXPORT_MAX_BYTES)
      throw new AppError(
        'export-too-large',
        'the export exceeds 5 MB; narrow from/to or page through GET ledger',
      );
    parts.push(line);
  }
  const date = deps.clock.now().toISOString().slice(0, 10);
  return {
    body: parts.join(''),
    contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    filename: `ledger-${deps.cell}-${date}.${csv ? 'csv' : 'ndjson'}`,
  };
}
