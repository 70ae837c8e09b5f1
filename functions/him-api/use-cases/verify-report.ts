import type { ChainVerification } from '../../../shared/domain/ledger/verify-chain.js';
import type { DigestCheck } from '../../../shared/domain/ledger/verify-ledger.js';

/** One shard of a verification as the API reports it. */
export interface ShardReport {
  shard: number;
  ok: boolean;
  count: number;
  firstBadSeq?: number;
  problem?: string;
  detail?: string;
}

/** The body of `GET ledger/verify` and `GET audit/verify`. */
export interface VerifyReport {
  ok: boolean;
  cell: string;
  shards: ShardReport[];
  digest: DigestCheck['status'];
  checkedAt: string;
}

/** A shard's chain verification; `count` is the entries read (or the recorded head seq when only that is known). */
export function shardReport(shard: number, result: ChainVerification, count: number): ShardReport {
  if (result.ok) return { shard, ok: true, count: result.count };
  return {
    shard,
    ok: false,
    count,
    firstBadSeq: result.firstBadSeq,
    problem: result.problem,
    detail: result.detail,
  };
}
