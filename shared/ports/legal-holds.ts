/** What a legal hold covers: one patient (by pseudonymous reference) or one organisation (tenant id). */
export type HoldScope = 'patient' | 'organization';

/**
 * A legal hold placed by a privacy officer. While it is active nothing it covers is
 * deleted by retention or erased. PHI-free: the patient appears as its `pt_…` reference.
 */
export interface LegalHold {
  holdId: string;
  scope: HoldScope;
  /** `pt_…` for a patient hold, the organisation (tenant) id for an organisation hold. */
  subject: string;
  /** Free text without PHI (a matter or case number), at most 200 characters. */
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy?: string;
  releasedAt?: string;
}

/** Legal holds of a cell, kept as their own audited records beside the data they protect. */
export interface LegalHolds {
  /** Active holds that cover this patient, directly or through one of the organisations. */
  activeFor(patientRef: string, organizations: readonly string[]): Promise<LegalHold[]>;
}

/** Every hold of a cell, and the version of the set: it changes whenever a hold is placed. */
export interface HoldSet {
  holds: LegalHold[];
  /**
   * Deletions decided on this set commit only while the version is unchanged, so a
   * hold placed during a retention run stops the rest of that run's deletions.
   */
  version: number;
}

/** What a privacy officer does with holds, and what the retention sweeper reads. */
export interface LegalHoldRegistry extends LegalHolds {
  /** Records a new hold and moves the set's version, in one transaction. */
  place(hold: LegalHold): Promise<void>;
  /**
   * Releases an active hold.
   *
   * @throws AppError('not-found') for a hold the cell does not have;
   *   AppError('hold-already-released') when it was released before (by anyone).
   */
  release(holdId: string, by: string, at: string): Promise<LegalHold>;
  /** Every hold, active and released, newest first, with the set's version. */
  all(): Promise<HoldSet>;
}
