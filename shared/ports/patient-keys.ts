/** One patient's key: 32 bytes that protect that patient's notes and nothing else. */
export interface PatientKey {
  /** Random id, named in every ciphertext the key protects (the raw keyring's key name). */
  keyId: string;
  key: Uint8Array;
  createdAt: string;
}

/**
 * Per-patient key material, kept apart from the data it protects (its own table, with its
 * own short backup window), wrapped under the cell key. Destroying a patient's key is what
 * erases their notes: every ciphertext made with it, wherever a copy went, stays unreadable.
 */
export interface PatientKeys {
  /**
   * The patient's key, made on first use (two writers racing agree on one).
   *
   * @throws AppError('storage-unavailable') when the key table or the cell key fails.
   */
  current(patientRef: string): Promise<PatientKey>;
  /** The patient's key if one exists; `undefined` after erasure (or before the first note). */
  find(patientRef: string): Promise<PatientKey | undefined>;
  /**
   * Destroys the patient's key: afterwards no ciphertext made with it decrypts. Evicts it
   * from this process at once; other processes hold it at most `maxCacheAgeMs`.
   *
   * @returns the id of the key destroyed, or `undefined` when there was none.
   */
  destroy(patientRef: string): Promise<string | undefined>;
  /** How long any process may keep an unwrapped key in memory. */
  readonly maxCacheAgeMs: number;
  /** How many patients hold a key now (the evidence pack's key state). */
  count(): Promise<number>;
}

/** The stored form: the key wrapped under the cell key (AWS Encryption SDK message). */
export interface WrappedPatientKey {
  patientRef: string;
  keyId: string;
  wrapped: Uint8Array;
  createdAt: string;
}

/** Where wrapped patient keys live: a table of their own, never the cell's data table. */
export interface PatientKeyTable {
  get(patientRef: string): Promise<WrappedPatientKey | undefined>;
  /** Stores `key` unless the patient already has one; answers the one that is stored. */
  putIfAbsent(key: WrappedPatientKey): Promise<WrappedPatientKey>;
  /** Deletes the patient's key if it is still `keyId`; answers whether it deleted. */
  delete(patientRef: string, keyId: string): Promise<boolean>;
  /** How many patients have a key (for the evidence pack's key state). */
  count(): Promise<number>;
}
