import type { AnchoredObject } from '../../ports/digest-anchor.js';
import {
  DIGEST_GENESIS,
  digestHash,
  digestSignatureValid,
  type SealedChainName,
  type SignedDigest,
} from './digest.js';
import { parseAnchored } from './parse.js';

export interface DigestChainResult {
  ok: boolean;
  /** The digests that verified, in order (all of them when `ok`). */
  digests: SignedDigest[];
  /** Objects found in the anchor. */
  count: number;
  /** The first object that failed, and why. */
  problem?: { name: string; detail: string };
}

export interface DigestChainExpectation {
  chain: SealedChainName;
  cell: string;
  publicKeyPem: string;
}

/**
 * Verifies a chain of digests as read from its anchor, in name order, failing at the
 * first object that is not a well-formed digest of this chain and cell, is not
 * signed by the key, leaves a gap, does not link to the digest before it (a fork or
 * a rollback), goes back in time, or seals a shard shorter than before or with
 * another hash at the same length (a rewritten history). Pure and offline.
 */
export function verifyDigestChain(
  objects: readonly AnchoredObject[],
  expected: DigestChainExpectation,
): DigestChainResult {
  const digests: SignedDigest[] = [];
  const fail = (name: string, detail: string): DigestChainResult => ({
    ok: false,
    digests,
    count: objects.length,
    problem: { name, detail },
  });
  for (const object of objects) {
    const parsed = parseAnchored(object);
    if (!parsed.ok) return fail(object.name, `digest object ${object.name} ${parsed.problem}`);
    const digest = parsed.digest;
    const previous = digests.at(-1);
    const problem = linkProblem(digest, previous, expected);
    if (problem) return fail(object.name, `digest seq ${digest.seq}: ${problem}`);
    digests.push(digest);
  }
  return { ok: true, digests, count: objects.length };
}

function linkProblem(
  digest: SignedDigest,
  previous: SignedDigest | undefined,
  expected: DigestChainExpectation,
): string | undefined {
  const wantSeq = (previous?.seq ?? 0) + 1;
  if (digest.seq !== wantSeq) return `digest seq ${wantSeq} is missing from the anchor`;
  if (digest.chain !== expected.chain || digest.cell !== expected.cell) {
    return `belongs to the ${digest.chain} of cell ${digest.cell}, not the ${expected.chain} of cell ${expected.cell}`;
  }
  if (!digestSignatureValid(digest, expected.publicKeyPem)) {
    return 'its signature does not verify with the digest public key';
  }
  const wantPrev = previous ? digestHash(previous) : DIGEST_GENESIS;
  if (digest.prevDigestHash !== wantPrev) {
    return `it does not link to digest seq ${wantSeq - 1}: the digest chain was forked or rolled back`;
  }
  const shardProblem = shardsProblem(digest);
  if (shardProblem) return shardProblem;
  if (!previous) return undefined;
  if (digest.at < previous.at) return `it is dated before digest seq ${previous.seq}`;
  if (digest.shardCount < previous.shardCount) return `it seals fewer shards than digest seq ${previous.seq}`;
  for (const before of previous.shards) {
    const now = digest.shards[before.shard];
    if (!now || now.seq < before.seq) {
      return `shard ${before.shard} is shorter than digest seq ${previous.seq} sealed: a rollback`;
    }
    if (now.seq === before.seq && now.hash !== before.hash) {
      return `shard ${before.shard} seq ${now.seq} has another hash than digest seq ${previous.seq} sealed: a fork`;
    }
  }
  return undefined;
}

function shardsProblem(digest: SignedDigest): string | undefined {
  if (digest.shards.length !== digest.shardCount) return 'its shard list does not match its shard count';
  const misplaced = digest.shards.findIndex((s, index) => s.shard !== index);
  return misplaced >= 0 ? `shard ${misplaced} is missing or out of order` : undefined;
}
