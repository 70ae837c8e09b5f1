import type { AuditLog } from '../../ports/audit-log.js';
import { type ChainVerification, verifyChain } from '../ledger/verify-chain.js';

export interface AuditShardVerification {
  shard: number;
  /** Entries read from the shard. */
  count: number;
  result: ChainVerification;
}

export interface AuditVerification {
  ok: boolean;
  cell: string;
  shards: AuditShardVerification[];
}

/**
 * Verifies every shard of a cell's HIM audit log against its recorded head with
 * the ledger's chain verification, so an edited, deleted, inserted or reordered
 * audit entry is found and its first bad seq named.
 *
 * @throws AppError('storage-unavailable') when the log cannot be read.
 */
export async function verifyAuditLog(log: AuditLog): Promise<AuditVerification> {
  const heads = await log.heads();
  const shards: AuditShardVerification[] = [];
  for (const head of [...heads].sort((a, b) => a.shard - b.shard)) {
    const entries = await log.readShard(head.shard);
    shards.push({ shard: head.shard, count: entries.length, result: verifyChain(entries, { head }) });
  }
  return { ok: shards.every((s) => s.result.ok), cell: log.cellId, shards };
}
