import type { AnchoredObject } from '../../ports/digest-anchor.js';
import type { ChainInventory, ChainRecord, StrayItem } from '../../ports/sealable-chain.js';
import { verifyChain } from '../ledger/verify-chain.js';
import type { SealedChainName, SignedDigest } from './digest.js';
import { CLOCK_SKEW_MS, unsealedCheck } from './unsealed.js';
import { type DigestChainResult, verifyDigestChain } from './verify-digests.js';

export interface ShardSealReport {
  shard: number;
  ok: boolean;
  /** Records found in the shard. */
  count: number;
  /** Records covered by the latest digest. */
  sealed: number;
  /** Records newer than the latest digest. */
  unsealed: number;
  firstBadSeq?: number;
  problem?: string;
  detail?: string;
}

/** The outcome of verifying one chain family of one cell against its digest chain. */
export interface SealReport {
  ok: boolean;
  chain: SealedChainName;
  cell: string;
  checkedAt: string;
  digests: {
    ok: boolean;
    count: number;
    latest?: { seq: number; at: string; keyId: string };
    problem?: string;
  };
  shards: ShardSealReport[];
  unsealed: { ok: boolean; count: number; oldestAt?: string; mustBeSealedBy?: string };
  strays: StrayItem[];
  /** Every failure as a sentence; the first names the first bad item. Empty when `ok`. */
  problems: string[];
}

export interface VerifySealedInput {
  chain: SealedChainName;
  cell: string;
  /** Shards the store is configured with. */
  shardCount: number;
  /** The anchor's objects for this chain, in name order. */
  objects: readonly AnchoredObject[];
  publicKeyPem: string;
  inventory: ChainInventory;
  now: Date;
  /** How often digests are made; records must be sealed within two intervals. */
  intervalMs: number;
  /**
   * `table` (default): the inventory is the live table, with HEAD items, and
   * records must be sealed in time. `export`: an export verified offline, which has
   * no HEAD items and may end with records made after its last digest (reported).
   */
  source?: 'table' | 'export';
}

/**
 * Verifies a chain family against its digest chain, failing closed: the digest chain
 * must verify from its first object; every shard chain must verify from genesis and
 * hold every head any digest sealed, unchanged; HEAD items must match the chain ends;
 * nothing may sit in the family's partitions or index that this walk does not
 * account for; and records must not stay unsealed past two digest intervals (nor
 * exist older than one interval with no digest at all). Pure.
 */
export function verifySealed(input: VerifySealedInput): SealReport {
  const problems: string[] = [];
  const digestChain = verifyDigestChain(input.objects, input);
  if (!digestChain.ok && digestChain.problem) problems.push(digestChain.problem.detail);
  const latest = digestChain.digests.at(-1);
  if (latest && latest.shardCount !== input.shardCount) {
    problems.push(`the latest digest seals ${latest.shardCount} shards; ${input.shardCount} are configured`);
  }
  if (latest && Date.parse(latest.at) > input.now.getTime() + CLOCK_SKEW_MS) {
    problems.push(`the latest digest (seq ${latest.seq}) is dated in the future (${latest.at})`);
  }
  const shards = Array.from({ length: Math.max(input.shardCount, latest?.shardCount ?? 0) }, (_, shard) =>
    verifyShard(shard, input, digestChain.digests),
  );
  for (const s of shards) if (!s.ok) problems.push(`shard ${s.shard}: ${s.detail}`);
  for (const shard of input.inventory.shards.keys()) {
    if (shard >= shards.length)
      problems.push(`records in shard ${shard}, which no digest or configuration has`);
  }
  for (const stray of input.inventory.strays) problems.push(`item ${stray.key}: ${stray.reason}`);
  const unsealed = unsealedCheck(input, latest);
  if (!unsealed.ok) problems.push(unsealed.problem);
  return {
    ok: problems.length === 0,
    chain: input.chain,
    cell: input.cell,
    checkedAt: input.now.toISOString(),
    digests: digestSummary(digestChain, latest),
    shards,
    unsealed: {
      ok: unsealed.ok,
      count: unsealed.count,
      ...(unsealed.oldestAt ? { oldestAt: unsealed.oldestAt } : {}),
      ...(unsealed.deadline ? { mustBeSealedBy: unsealed.deadline } : {}),
    },
    strays: input.inventory.strays,
    problems,
  };
}

function digestSummary(result: DigestChainResult, latest: SignedDigest | undefined): SealReport['digests'] {
  return {
    ok: result.ok,
    count: result.count,
    ...(latest ? { latest: { seq: latest.seq, at: latest.at, keyId: latest.keyId } } : {}),
    ...(result.problem ? { problem: result.problem.detail } : {}),
  };
}

function verifyShard(
  shard: number,
  input: VerifySealedInput,
  digests: readonly SignedDigest[],
): ShardSealReport {
  const records = input.inventory.shards.get(shard) ?? [];
  const latestPin = digests.at(-1)?.shards[shard];
  const sealed = latestPin?.seq ?? 0;
  const base = {
    shard,
    count: records.length,
    sealed,
    unsealed: records.filter((r) => r.seq > sealed).length,
  };
  const head = input.inventory.heads.get(shard);
  if ((input.source ?? 'table') === 'table' && !head && records.length > 0) {
    return {
      ...base,
      ok: false,
      firstBadSeq: 1,
      problem: 'edited',
      detail: 'records exist but the shard HEAD is missing',
    };
  }
  const chain = verifyChain(records, head ? { head } : {});
  if (!chain.ok) {
    return {
      ...base,
      ok: false,
      firstBadSeq: chain.firstBadSeq,
      problem: chain.problem,
      detail: chain.detail,
    };
  }
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  let lastGood = 0;
  for (const digest of digests) {
    const pin = digest.shards[shard];
    if (!pin || pin.seq === 0) continue;
    const record: ChainRecord | undefined = bySeq.get(pin.seq);
    if (!record || record.entryHash !== pin.hash) {
      // Only the sealed heads are known, so nothing after the last one still intact can be trusted.
      const found = record
        ? `differs from what digest ${digest.seq} sealed`
        : `is missing (the shard ends at seq ${records.length}), though digest ${digest.seq} sealed it`;
      return {
        ...base,
        ok: false,
        firstBadSeq: lastGood + 1,
        problem: record ? 'rewritten' : 'deleted',
        detail: `seq ${pin.seq} ${found}: records from seq ${lastGood + 1} on were ${record ? 'rewritten' : 'deleted or rewritten'}`,
      };
    }
    lastGood = pin.seq;
  }
  return { ...base, ok: true };
}
