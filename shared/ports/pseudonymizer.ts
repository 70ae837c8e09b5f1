/**
 * Keyed hashing with a cell-local key: the same input gives the same reference
 * inside a cell, and nobody without the key can test a guess against it.
 */
export interface Pseudonymizer {
  /** Pseudonymous patient reference from the patient's identifiers (order-insensitive). */
  patientRef(identifiers: ReadonlyArray<{ system: string; value: string }>): string;
  /** Keyed hash of any value (content fingerprints, visit references, capability tokens). */
  hash(purpose: string, value: string): string;
}
