import type { SealedChainName } from '../domain/seal/digest.js';

/** One stored digest object, exactly as the anchor holds it: verification parses and checks it. */
export interface AnchoredObject {
  /** Object name within the chain's folder: `<12-digit digest seq>.json` when written by visitbridge. */
  name: string;
  body: string;
}

/**
 * Where signed digests live: outside the cell table, so a table writer can neither
 * delete nor roll them back. An S3 bucket with Object Lock (compliance mode) in AWS;
 * an append-only folder under the data dir locally. Write-once: nothing is replaced.
 * Every method throws AppError('storage-unavailable') when the anchor fails.
 */
export interface DigestAnchor {
  /** Where the digests are, for reports (`s3://bucket/prefix`, a folder path). Never secret. */
  readonly location: string;
  /**
   * Stores the digest of `chain` at position `seq` (`body` is its canonical JSON).
   *
   * @throws AppError('version-conflict') when a digest already holds that position.
   */
  put(chain: SealedChainName, seq: number, body: string): Promise<void>;
  /** Every object in the chain's folder, ordered by name, unknown ones included (verification rejects them). */
  list(chain: SealedChainName): Promise<AnchoredObject[]>;
  /** The object with the highest position, if any (what the next digest links to). */
  latest(chain: SealedChainName): Promise<AnchoredObject | undefined>;
}

/** The object name of the digest at `seq`: zero-padded so names sort by position. */
export const digestObjectName = (seq: number): string => `${String(seq).padStart(12, '0')}.json`;
