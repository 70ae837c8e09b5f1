import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import type { ReviewStatus } from '../../../shared/domain/review/review.js';
import type { HimDeps } from './context.js';

/** A ledger entry as the HIM API shows it: with where it stands in review. */
export type ReviewedEntry = LedgerEntry & { review: ReviewStatus };

/** A ledger entry's position, which names it for review. */
export const refOf = (e: Pick<LedgerEntry, 'shard' | 'seq'>): string => `${e.shard}:${e.seq}`;

/** Each entry with its review status (`unreviewed` when it has none). */
export async function withReviews(
  deps: Pick<HimDeps, 'reviews'>,
  entries: LedgerEntry[],
): Promise<ReviewedEntry[]> {
  const statuses = await deps.reviews.statuses(entries.map(refOf));
  return entries.map((e) => ({
    ...e,
    review: statuses.get(refOf(e)) ?? { ref: refOf(e), state: 'unreviewed', version: 0 },
  }));
}
