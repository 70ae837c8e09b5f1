/** Which patients a cell holds notes of, by pseudonymous reference (`pt_…`); never by identifier. */
export interface PatientIndex extends PatientIndexBackfill {
  /**
   * Whether the cell holds at least one note version of this patient.
   *
   * @throws AppError('storage-unavailable') when the store fails.
   */
  holdsNotesOf(patientRef: string): Promise<boolean>;
}

/**
 * Puts note versions stored before the patient index existed (a release without
 * per-patient keys) into it, so patient holds and erasure find them.
 */
export interface PatientIndexBackfill {
  /**
   * Indexes every note version the index lacks, once: after a pass that reached the end
   * of the table, later calls read nothing and return 0 (every writer since indexes as it writes).
   *
   * @returns how many versions this call indexed.
   * @throws AppError('storage-unavailable') when the store fails.
   */
  indexUnindexedNotes(at: string): Promise<number>;
}
