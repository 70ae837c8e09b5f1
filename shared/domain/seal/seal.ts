import type { Clock } from '../../ports/clock.js';
import type { DigestAnchor } from '../../ports/digest-anchor.js';
import type { DigestSigner } from '../../ports/digest-signer.js';
import type { SealableChain } from '../../ports/sealable-chain.js';
import type { Sealer, SealSummary } from '../../ports/sealer.js';
import { AppError } from '../errors.js';
import { emptyHead } from '../ledger/chain.js';
import { verifyChain } from '../ledger/verify-chain.js';
import {
  DIGEST_GENESIS,
  digestBody,
  digestHash,
  digestSignatureValid,
  digestSigningBytes,
  type SealedChainName,
  type SealedHead,
  type SignedDigest,
  type UnsignedDigest,
} from './digest.js';
import { parseAnchored } from './parse.js';

export interface SealDeps {
  chain: SealableChain;
  signer: DigestSigner;
  anchor: DigestAnchor;
  clock: Clock;
}

export interface SealResult {
  digest: SignedDigest;
  /** Records sealed for the first time by this digest. */
  newlySealed: number;
}

/** Tries when another sealer takes the same position first. */
const MAX_TRIES = 3;

/**
 * Makes the next digest of a chain family: checks that the anchor's latest digest
 * is genuine and that every shard only grew since it (each new record chains onto
 * the sealed head, up to the recorded HEAD), then signs every shard's head and
 * writes the digest to the anchor, linked to the previous one. Refuses to seal over
 * anything it cannot prove, so a tampered table is never blessed.
 *
 * @throws AppError('seal-refused') when the latest digest does not verify, a shard
 *   is shorter than sealed, or a new record does not chain; AppError('storage-unavailable')
 *   when the table, signer or anchor fails, or other sealers keep winning the position.
 */
export async function sealChain(deps: SealDeps): Promise<SealResult> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await sealOnce(deps);
    } catch (error) {
      const lostRace = error instanceof AppError && error.code === 'version-conflict';
      if (!lostRace) throw error;
      if (tries >= MAX_TRIES) {
        throw new AppError(
          'storage-unavailable',
          `other sealers kept taking the next ${deps.chain.name} digest position`,
          {},
          { cause: error },
        );
      }
    }
  }
}

const refuse = (chain: string, why: string): AppError =>
  new AppError('seal-refused', `the ${chain} was not sealed: ${why}`);

async function sealOnce({ chain, signer, anchor, clock }: SealDeps): Promise<SealResult> {
  const publicKeyPem = await signer.publicKeyPem();
  const latestObject = await anchor.latest(chain.name);
  const previous = latestObject ? parseAnchored(latestObject) : undefined;
  if (previous && !previous.ok)
    throw refuse(chain.name, `the latest digest ${latestObject?.name} ${previous.problem}`);
  const last = previous?.digest;
  if (last && (last.cell !== chain.cellId || last.chain !== chain.name)) {
    throw refuse(chain.name, `the latest digest belongs to ${last.chain} of cell ${last.cell}`);
  }
  if (last && !digestSignatureValid(last, publicKeyPem)) {
    throw refuse(chain.name, `the latest digest (seq ${last.seq}) does not verify with the signing key`);
  }
  if (last && last.shardCount > chain.shardCount) {
    throw refuse(
      chain.name,
      `the last digest sealed ${last.shardCount} shards, the store has ${chain.shardCount}`,
    );
  }
  const heads = await chain.heads();
  let newlySealed = 0;
  const shards: SealedHead[] = [];
  for (const head of [...heads].sort((a, b) => a.shard - b.shard)) {
    const pin = last?.shards.find((s) => s.shard === head.shard) ?? emptyHead(head.shard);
    if (head.seq < pin.seq) {
      throw refuse(chain.name, `shard ${head.shard} ends at seq ${head.seq}, but seq ${pin.seq} was sealed`);
    }
    const grownBy = head.seq - pin.seq;
    const records =
      grownBy > 0 ? await chain.readShard(head.shard, { fromSeq: pin.seq + 1, limit: grownBy }) : [];
    const grown = verifyChain(records, { anchor: { seq: pin.seq, hash: pin.hash }, head });
    if (!grown.ok) {
      throw refuse(chain.name, `shard ${head.shard} seq ${grown.firstBadSeq}: ${grown.detail}`);
    }
    newlySealed += records.length;
    shards.push({ shard: head.shard, seq: head.seq, hash: head.hash });
  }
  // Never date a digest before the one it follows (a sealer whose clock lags would break the chain for good).
  const now = clock.now().toISOString();
  const unsigned: UnsignedDigest = {
    version: 1,
    chain: chain.name,
    cell: chain.cellId,
    seq: (last?.seq ?? 0) + 1,
    at: last && last.at > now ? last.at : now,
    shardCount: chain.shardCount,
    shards,
    prevDigestHash: last ? digestHash(last) : DIGEST_GENESIS,
    alg: 'ECDSA_SHA_256',
    keyId: signer.keyId,
  };
  const { signature } = await signer.sign(digestSigningBytes(unsigned));
  const digest: SignedDigest = { ...unsigned, signature };
  await anchor.put(chain.name, digest.seq, digestBody(digest));
  return { digest, newlySealed };
}

/** What a seal made, as the API and the digest function report it (PHI-free). */
export const sealSummary = ({ digest, newlySealed }: SealResult): SealSummary => ({
  chain: digest.chain,
  cell: digest.cell,
  seq: digest.seq,
  at: digest.at,
  keyId: digest.keyId,
  shards: digest.shards,
  newlySealed,
});

/**
 * A Sealer that seals in this process: the digest function's own use, and the local
 * runtime's on-demand path (in AWS the HIM API invokes the digest function instead).
 */
export function inProcessSealer(
  deps: Omit<SealDeps, 'chain'> & { chains: Readonly<Record<SealedChainName, SealableChain>> },
): Sealer {
  return {
    seal: async (chain) => sealSummary(await sealChain({ ...deps, chain: deps.chains[chain] })),
  };
}
