/** Which patients a cell holds notes of, by pseudonymous reference (`pt_…`); never by identifier. */
export interface PatientIndex extends PatientIndexBackfill {
  /**
   * Whether the cell holds at least one note version of this patient.
   *
   * @throws AppError('storage-unavailable') when the store fails.
   */
  holdsNotesOf(patientRef: string): Promise<boolean>;
}

/** What one call of the backfill did, and whether the index now holds every note version. */
export interface BackfillProgress {
  /** Versions this call put into the index. */
  indexed: number;
  /** True once a pass has reached the end of the table (then and later: nothing left to index). */
  complete: boolean;
}

/**
 * Puts note versions stored before the patient index existed (a release without
 * per-patient keys) into it, so patient holds and erasure find them.
 */
export interface PatientIndexBackfill {
  /**
   * Indexes the note versions the index lacks, going on from where the last call stopped,
   * until the table's end or until `budgetMs` has passed (one page of the table at least).
   * After a pass has reached the end, calls read nothing (every writer since indexes as it writes).
   *
   * @throws AppError('storage-unavailable') when the store fails.
   */
  indexUnindexedNotes(at: string, budgetMs?: number): Promise<BackfillProgress>;
}
