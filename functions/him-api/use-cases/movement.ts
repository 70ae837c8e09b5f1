import { randomUUID } from 'node:crypto';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import { ledgerMechanism } from '../../../shared/domain/ledger/movement-entry.js';
import type { MovementDecision } from '../../../shared/domain/policy/decide.js';
import type { MovementKind } from '../../../shared/domain/policy/model.js';
import type { HimDeps } from './context.js';

export interface MovementFacts {
  kind: MovementKind;
  decision: MovementDecision;
  source: { country: string; cell: string };
  destination: { country: string; cell: string };
  recipient: { organization?: string; ehrTarget?: string };
  purpose: string;
  loincType: string;
  patientRef: string;
  noteId: string;
  noteVersion: number;
  actor: string;
  at: Date;
}

/** The ledger entry recording a movement the HIM API decided (allowed or denied). No PHI: refs and ids only. */
export function movementEntry(deps: Pick<HimDeps, 'keyId' | 'keyRegion'>, f: MovementFacts): UnsealedEntry {
  return {
    transferId: `${f.kind}-${randomUUID()}`,
    at: f.at.toISOString(),
    kind: f.kind,
    decision: f.decision.decision,
    source: f.source,
    destination: f.destination,
    recipient: f.recipient,
    purpose: f.purpose,
    dataCategories: ['health-data', `loinc:${f.loincType}`],
    mechanism: ledgerMechanism(f.decision.mechanism),
    ruleId: f.decision.ruleId ?? null,
    reason: f.decision.reason,
    safeguards: { keyId: deps.keyId, keyRegion: deps.keyRegion, pseudonymised: true },
    patientRef: f.patientRef,
    noteId: f.noteId,
    noteVersion: f.noteVersion,
    actor: f.actor,
  };
}
