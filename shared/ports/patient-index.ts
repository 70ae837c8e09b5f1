/** Which patients a cell holds notes of, by pseudonymous reference (`pt_…`); never by identifier. */
export interface PatientIndex {
  /**
   * Whether the cell holds at least one note version of this patient.
   *
   * @throws AppError('storage-unavailable') when the store fails.
   */
  holdsNotesOf(patientRef: string): Promise<boolean>;
}
