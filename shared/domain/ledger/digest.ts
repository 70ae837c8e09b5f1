import type { DigestSigner } from '../../ports/digest-signer.js';
import type { LedgerDigest, LedgerStore } from '../../ports/ledger.js';
import { canonicalJson } from './canonical.js';
import type { ShardHead } from './entry.js';

/** The bytes a digest signature covers: canonical JSON of cell, time and every shard head. */
export function digestBytes(digest: Pick<LedgerDigest, 'cell' | 'at' | 'shards'>): Uint8Array {
  const shards = [...digest.shards]
    .sort((a, b) => a.shard - b.shard)
    .map(({ shard, seq, hash }): ShardHead => ({ shard, seq, hash }));
  return new TextEncoder().encode(canonicalJson({ cell: digest.cell, at: digest.at, shards }));
}

/**
 * Signs and stores a digest pinning every shard head of the cell at `at`. Run it
 * periodically: a rewrite of any shard up to a pinned head is then detectable
 * even if the attacker recomputed every hash.
 *
 * @throws AppError('storage-unavailable') when the store or the signer fails.
 */
export async function createDigest(
  store: LedgerStore,
  signer: DigestSigner,
  at: Date,
): Promise<LedgerDigest> {
  const body = { cell: store.cellId, at: at.toISOString(), shards: await store.heads() };
  const signature = await signer.sign(digestBytes(body));
  const digest: LedgerDigest = { ...body, ...signature };
  await store.putDigest(digest);
  return digest;
}

/** Whether a digest's signature is valid for its content, this cell and this signer's key. */
export async function digestSignatureValid(
  digest: LedgerDigest,
  cellId: string,
  signer: DigestSigner,
): Promise<boolean> {
  if (digest.cell !== cellId) return false;
  const { alg, keyId, signature } = digest;
  return signer.verify(digestBytes(digest), { alg, keyId, signature });
}
