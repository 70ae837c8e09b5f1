import type { ReviewEvent, ReviewStatus } from '../domain/review/review.js';

/** Review state and history of ledger records, kept beside the ledger (records never change). */
export interface ReviewStore {
  /** The status of each ref (`unreviewed`, version 0, when it has none). */
  statuses(refs: readonly string[]): Promise<Map<string, ReviewStatus>>;
  /**
   * Records `event` if the ref is still at `event.version - 1`: the new status and the
   * event, in one transaction.
   *
   * @throws AppError('review-conflict') when someone changed it meanwhile.
   */
  record(event: ReviewEvent): Promise<void>;
  /** Every review event of a ref, oldest first. */
  history(ref: string): Promise<ReviewEvent[]>;
}
