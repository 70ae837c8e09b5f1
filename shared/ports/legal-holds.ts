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
