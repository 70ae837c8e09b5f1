import type { SealedChainName, SealedHead } from '../domain/seal/digest.js';

/** What one new digest sealed (PHI-free). */
export interface SealSummary {
  chain: SealedChainName;
  cell: string;
  /** The digest's position in its chain. */
  seq: number;
  at: string;
  keyId: string;
  shards: SealedHead[];
  /** Records sealed for the first time. */
  newlySealed: number;
}

/**
 * Makes a digest on demand. In AWS the HIM API invokes the digest function (the only
 * holder of `kms:Sign`); locally the same use case runs in process.
 */
export interface Sealer {
  /**
   * @throws AppError('seal-refused') when the chain fails its integrity check (nothing is
   *   sealed); AppError('storage-unavailable') when the table, key or anchor fails.
   */
  seal(chain: SealedChainName): Promise<SealSummary>;
}
