import * as z from 'zod';
import { AppError } from '../../../shared/domain/errors.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import {
  ENTRY_REF,
  MAX_COMMENT,
  REVIEW_MARKS,
  REVIEW_STATES,
  type ReviewEvent,
  type ReviewState,
  type ReviewStatus,
  reviewEvent,
} from '../../../shared/domain/review/review.js';
import type { Principal } from '../auth.js';
import { Limit, parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { Filters, ledgerFilter } from './ledger.js';
import { type ReviewedEntry, withReviews } from './reviewed.js';

const Ref = z.string().regex(ENTRY_REF, 'must be a ledger entry position <shard>:<seq>, e.g. 0:12');
const Comment = z.string().max(MAX_COMMENT).describe('no PHI: ids and reasons only; stored as written');

export const MarkBody = z.object({
  refs: z.array(Ref).min(1).max(100).describe('ledger entries to review, by position'),
  state: z.enum(REVIEW_MARKS),
  comment: Comment.optional().describe('required for `flagged`: the reason; no PHI'),
});
export const ResolveBody = z.object({
  comment: Comment.min(1).describe('how the flag was resolved; no PHI'),
});
export const RefPath = z.object({ ref: Ref });

/** The review queue's filters: the ledger's, plus review state and legal mechanism. */
export const QueueQuery = z.object({
  ...Filters,
  state: z.enum(REVIEW_STATES).optional(),
  mechanism: z.string().min(1).max(64).optional().describe('legal mechanism type, e.g. `adequacy`, `sccs`'),
  limit: Limit,
});

/** Ledger entries the queue looks through at most per call (narrow the period for more). */
export const QUEUE_SCAN_MAX = 5000;

const corridorOf = (e: LedgerEntry) => `${e.source.cell}:${e.destination.cell}`;

/** The role a caller reviews in: a privacy officer's when it holds one. */
const reviewRole = (principal: Principal) =>
  principal.roles.includes('privacy-officer') ? ('privacy-officer' as const) : ('him-reviewer' as const);

/** The ledger entry at `ref`. @throws AppError('not-found') when the ledger holds none there. */
async function entryAt(deps: HimDeps, ref: string): Promise<LedgerEntry> {
  const [shard = 0, seq = 0] = ref.split(':').map(Number);
  const [entry] = await deps.ledger.readShard(shard, { fromSeq: seq, limit: 1 });
  if (!entry || entry.seq !== seq)
    throw new AppError('not-found', `the ledger holds no entry ${ref}`, { ref });
  return entry;
}

/**
 * Marks movements `reviewed`, `flagged` (reason required) or `escalated`, one or
 * many. All or nothing as far as the rules go: every ref must exist and allow the
 * change before any is recorded; each is then one conditional write.
 *
 * @throws AppError('not-found') for a ref the ledger does not hold; AppError('review-conflict')
 *   naming the first ref whose state does not allow the change; AppError('invalid-query') for bad input.
 */
export async function markReviews(
  deps: HimDeps,
  principal: Principal,
  body: unknown,
): Promise<{ reviews: ReviewStatus[] }> {
  const { refs, state, comment } = parseInput(MarkBody, body, 'body');
  const unique = [...new Set(refs)];
  for (const ref of unique) await entryAt(deps, ref);
  const statuses = await deps.reviews.statuses(unique);
  const at = deps.clock.now();
  const change = {
    to: state,
    by: `him:${principal.user}`,
    role: reviewRole(principal),
    at,
    ...(comment ? { comment } : {}),
  };
  const events = unique.map((ref) => reviewEvent(statuses.get(ref) as ReviewStatus, change));
  for (const event of events) await deps.reviews.record(event);
  return { reviews: events.map(statusAfter) };
}

/**
 * A privacy officer resolves a flagged or escalated movement, with a note.
 *
 * @throws AppError('not-found'), AppError('review-conflict') when it is not flagged or escalated.
 */
export async function resolveReview(
  deps: HimDeps,
  principal: Principal,
  ref: string,
  body: unknown,
): Promise<ReviewStatus> {
  const { comment } = parseInput(ResolveBody, body, 'body');
  await entryAt(deps, ref);
  const current = (await deps.reviews.statuses([ref])).get(ref) as ReviewStatus;
  const event = reviewEvent(current, {
    to: 'resolved',
    comment,
    by: `him:${principal.user}`,
    role: reviewRole(principal),
    at: deps.clock.now(),
  });
  await deps.reviews.record(event);
  return statusAfter(event);
}

/** A movement with its review status and every review event, oldest first. */
export async function reviewHistory(
  deps: HimDeps,
  ref: string,
): Promise<{ entry: ReviewedEntry; events: ReviewEvent[] }> {
  const [entry] = await withReviews(deps, [await entryAt(deps, ref)]);
  return { entry: entry as ReviewedEntry, events: await deps.reviews.history(ref) };
}

/** Counts of one corridor's movements by review state. */
export type CorridorCounts = { corridor: string } & Record<ReviewState, number>;

/**
 * The review queue: movements of the period (and ledger filters) with their review
 * state, filtered by state and mechanism, oldest first, with counts by corridor and
 * state over everything looked through (at most `QUEUE_SCAN_MAX` entries; `truncated` says when more were left).
 */
export async function reviewQueue(
  deps: HimDeps,
  query: unknown,
): Promise<{ entries: ReviewedEntry[]; counts: CorridorCounts[]; scanned: number; truncated: boolean }> {
  const { state, mechanism, limit, ...filters } = parseInput(QueueQuery, query);
  const filter = ledgerFilter(deps, { ...filters, format: 'csv' });
  const entries: ReviewedEntry[] = [];
  const counts = new Map<string, CorridorCounts>();
  let scanned = 0;
  let batch: LedgerEntry[] = [];
  const flush = async () => {
    for (const e of await withReviews(deps, batch)) {
      const key = corridorOf(e);
      const row = counts.get(key) ?? {
        corridor: key,
        unreviewed: 0,
        reviewed: 0,
        flagged: 0,
        escalated: 0,
        resolved: 0,
      };
      row[e.review.state] += 1;
      counts.set(key, row);
      const matches = (!state || e.review.state === state) && (!mechanism || e.mechanism?.type === mechanism);
      if (matches && entries.length < limit) entries.push(e);
    }
    batch = [];
  };
  let truncated = false;
  for await (const entry of deps.ledger.entries(filter)) {
    if (scanned === QUEUE_SCAN_MAX) {
      truncated = true;
      break;
    }
    scanned += 1;
    // Erasures are recorded in the ledger but move nothing: they are not movements to review.
    if (entry.kind !== 'erasure') batch.push(entry);
    if (batch.length === 100) await flush();
  }
  await flush();
  return {
    entries,
    counts: [...counts.values()].sort((a, b) => a.corridor.localeCompare(b.corridor)),
    scanned,
    truncated,
  };
}

const statusAfter = (event: ReviewEvent): ReviewStatus => ({
  ref: event.ref,
  state: event.to,
  version: event.version,
  at: event.at,
  by: event.by,
});
