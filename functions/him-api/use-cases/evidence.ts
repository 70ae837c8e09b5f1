import * as z from 'zod';
import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { SealReport } from '../../../shared/domain/seal/verify-sealed.js';
import type { AuditFilter } from '../../../shared/ports/audit-log.js';
import { checkPeriod, Period, parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { verifyIntegrity } from './integrity.js';
import { type ReviewedEntry, withReviews } from './reviewed.js';

export const EvidenceQuery = z.object(Period);

/** Records one pack holds at most (ledger and audit together): past this the period must be split. */
const MAX_RECORDS = 50_000;

/** Audit actions of the records lifecycle, by the pack file that lists them. */
export const LIFECYCLE_ACTIONS = {
  'retention-runs': ['retention.run'],
  holds: ['holds.place', 'holds.release'],
  erasures: ['erasure.execute'],
} as const;

/** What an evidence pack is made from: the cell's records of one period, read once. */
export interface EvidenceData {
  cell: string;
  jurisdiction: string;
  period: { from: Date; to: Date };
  generatedAt: Date;
  /** Ledger entries of the period with their review status, oldest first. */
  entries: ReviewedEntry[];
  /** Audit entries of the period, oldest first. */
  audit: AuditEntry[];
  integrity: { ledger: SealReport; audit: SealReport };
  key: { keyId: string; publicKeyPem: string };
}

async function collectAudit(deps: HimDeps, filter: AuditFilter, into: AuditEntry[]): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await deps.audit.query(filter, { limit: 1000, order: 'asc', ...(cursor ? { cursor } : {}) });
    into.push(...page.entries);
    if (into.length > MAX_RECORDS) throw tooLarge();
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Reads what an evidence pack of `[from, to)` needs: the ledger (with review state),
 * the audit log, and both chains verified against their digests now.
 *
 * @throws AppError('invalid-query') without a valid `from` and `to`;
 *   AppError('invalid-period'); AppError('export-too-large') past 50,000 records.
 */
export async function evidenceData(deps: HimDeps, query: unknown): Promise<EvidenceData> {
  const { from, to } = checkPeriod(parseInput(EvidenceQuery, query));
  const ledger = [];
  for await (const e of deps.ledger.entries({ from, to })) {
    ledger.push(e);
    if (ledger.length > MAX_RECORDS) throw tooLarge();
  }
  const audit: AuditEntry[] = [];
  await collectAudit(deps, { from, to }, audit);
  if (ledger.length + audit.length > MAX_RECORDS) throw tooLarge();
  return {
    cell: deps.cell,
    jurisdiction: deps.jurisdiction.name,
    period: { from, to },
    generatedAt: deps.clock.now(),
    entries: await withReviews(deps, ledger),
    audit,
    integrity: { ledger: await verifyIntegrity(deps, 'ledger'), audit: await verifyIntegrity(deps, 'audit') },
    key: await deps.integrity.publicKey(),
  };
}

const tooLarge = () =>
  new AppError('export-too-large', `more than ${MAX_RECORDS} records in the period: split it`);
