import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical.js';
import type { UnsealedAuditEntry } from './entry.js';

/**
 * What makes two audit entries the same record of one HIM action in one cell:
 * every field but the time. A read repeated within one action (the console
 * following a replayed delivery until it settles) says nothing the first entry
 * does not, so the audit log keeps the first; a change in any field (another
 * target, outcome, role or source) is an entry of its own.
 *
 * @returns a hex SHA-256, or undefined for an entry without an action id (never collapsed).
 */
export function repeatKey(entry: UnsealedAuditEntry): string | undefined {
  if (!entry.actionId) return undefined;
  const { at: _at, ...same } = entry;
  return createHash('sha256').update(canonicalJson(same), 'utf8').digest('hex');
}
