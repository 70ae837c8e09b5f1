import {
  DIGEST_GENESIS,
  digestBody,
  digestHash,
  digestSigningBytes,
  type SealedHead,
  type SignedDigest,
  type UnsignedDigest,
} from '../../shared/domain/seal/digest.js';
import type { AnchoredObject } from '../../shared/ports/digest-anchor.js';
import { digestObjectName } from '../../shared/ports/digest-anchor.js';
import type { DigestSigner } from '../../shared/ports/digest-signer.js';

/** Signs a digest whose fields default to the first ledger digest of cell `uk` at 10:01. */
export async function signDigest(
  signer: DigestSigner,
  fields: Partial<UnsignedDigest> & { shards: SealedHead[] },
): Promise<SignedDigest> {
  const unsigned: UnsignedDigest = {
    version: 1,
    chain: 'ledger',
    cell: 'uk',
    seq: 1,
    at: '2026-11-25T10:01:00.000Z',
    shardCount: fields.shards.length,
    prevDigestHash: DIGEST_GENESIS,
    alg: 'ECDSA_SHA_256',
    keyId: signer.keyId,
    ...fields,
  };
  const { signature } = await signer.sign(digestSigningBytes(unsigned));
  return { ...unsigned, signature };
}

/** A linked chain of digests, one per list of heads, a minute apart from 10:01. */
export async function signChain(signer: DigestSigner, heads: SealedHead[][]): Promise<SignedDigest[]> {
  const chain: SignedDigest[] = [];
  for (const [index, shards] of heads.entries()) {
    const previous = chain.at(-1);
    chain.push(
      await signDigest(signer, {
        seq: index + 1,
        at: `2026-11-25T10:${String(index + 1).padStart(2, '0')}:00.000Z`,
        shards,
        prevDigestHash: previous ? digestHash(previous) : DIGEST_GENESIS,
      }),
    );
  }
  return chain;
}

/** Digests as an anchor holds them, each under the name of its seq. */
export const anchored = (digests: readonly SignedDigest[]): AnchoredObject[] =>
  digests.map((d) => ({ name: digestObjectName(d.seq), body: digestBody(d) }));
