import type { Logger } from '@aws-lambda-powertools/logger';
import { createDigest } from '../../../shared/domain/ledger/digest.js';
import { verifyLedger } from '../../../shared/domain/ledger/verify-ledger.js';
import { verifyAudit } from './audit.js';
import type { HimDeps } from './context.js';

/** The scheduled event (EventBridge rule) that asks for a ledger digest. */
export interface DigestEvent {
  source: 'visitbridge.digest';
}

export const isDigestEvent = (event: unknown): event is DigestEvent =>
  typeof event === 'object' &&
  event !== null &&
  (event as { source?: unknown }).source === 'visitbridge.digest';

export interface DigestOutcome {
  ok: boolean;
  digestAt?: string;
}

/**
 * Hourly job: verifies the transfers ledger and the HIM audit log, then signs a
 * digest pinning the ledger heads. A tampered ledger is not pinned. Logs
 * `{"outcome":"ledger-verification-failed"}` at error level (a metric filter
 * alarms on it) or `{"outcome":"ledger-verified"}`.
 *
 * @throws AppError('storage-unavailable') when the table or signer fails (Lambda retries, then the DLQ).
 */
export async function runDigestJob(deps: HimDeps, logger: Logger): Promise<DigestOutcome> {
  const ledger = await verifyLedger(deps.ledger, deps.signer);
  const audit = await verifyAudit(deps);
  const failedShards = (shards: Array<{ shard: number; ok: boolean }>) =>
    shards.filter((s) => !s.ok).map((s) => s.shard);
  if (!audit.ok) {
    logger.error('audit verification failed', {
      outcome: 'ledger-verification-failed',
      chain: 'audit',
      shards: failedShards(audit.shards),
    });
  }
  if (!ledger.ok) {
    logger.error('ledger verification failed', {
      outcome: 'ledger-verification-failed',
      chain: 'transfers',
      digest: ledger.digest.status,
      shards: failedShards(ledger.shards.map((s) => ({ shard: s.shard, ok: s.result.ok }))),
    });
    return { ok: false };
  }
  const digest = await createDigest(deps.ledger, deps.signer, deps.clock.now());
  logger.info('ledger verified', { outcome: 'ledger-verified', digestAt: digest.at, auditOk: audit.ok });
  return { ok: audit.ok, digestAt: digest.at };
}
