import { randomUUID } from 'node:crypto';
import type { MovementKind } from '../../config/policy.js';
import type { MovementDecision } from '../policy/decide.js';
import type { UnsealedEntry } from './entry.js';

/** What a ledger entry needs beyond the policy's decision; ids and keyed hashes only. */
export interface MovementContext {
  kind: MovementKind;
  at: Date;
  source: { country: string; cell: string };
  destination: { country: string; cell: string };
  recipient?: { organization?: string; ehrTarget?: string };
  purpose: string;
  loincType?: string;
  keyId: string;
  keyRegion: string;
  patientRef: string;
  noteId?: string;
  noteVersion?: number;
  actor: string;
}

/**
 * The ledger entry of one decided movement (allowed or denied): mechanism,
 * reference and expiry from the deciding rule, no PHI in clear.
 *
 * @example
 * const entry = movementEntry(decideMovement(policy, request), { kind: 'egress', ... });
 */
export function movementEntry(decision: MovementDecision, ctx: MovementContext): UnsealedEntry {
  const mechanism = decision.mechanism;
  return {
    transferId: `tr_${randomUUID()}`,
    at: ctx.at.toISOString(),
    kind: ctx.kind,
    decision: decision.decision,
    source: ctx.source,
    destination: ctx.destination,
    recipient: ctx.recipient ?? {},
    purpose: ctx.purpose,
    dataCategories: ['health-data', ...(ctx.loincType ? [`loinc:${ctx.loincType}`] : [])],
    mechanism: mechanism
      ? {
          type: mechanism.type,
          ...('reference' in mechanism ? { reference: mechanism.reference } : {}),
          ...('expires' in mechanism && mechanism.expires ? { expires: mechanism.expires } : {}),
        }
      : null,
    ruleId: decision.ruleId ?? null,
    reason: decision.reason,
    safeguards: { keyId: ctx.keyId, keyRegion: ctx.keyRegion, pseudonymised: true },
    patientRef: ctx.patientRef,
    noteId: ctx.noteId ?? null,
    noteVersion: ctx.noteVersion ?? null,
    actor: ctx.actor,
    reviewState: 'unreviewed',
  };
}
