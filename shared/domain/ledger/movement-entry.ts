import { randomUUID } from 'node:crypto';
import type { VisitNoteEvent } from '../event/schema.js';
import { decideMovement, type MovementDecision } from '../policy/decide.js';
import type { MovementKind, Organization, ResidencyPolicy } from '../policy/model.js';
import type { UnsealedEntry } from './entry.js';

/** The `cell` of a ledger place whose country belongs to no jurisdiction of the policy. */
export const NO_CELL = 'none';

/** Where a key that protects the note lives, named in the entry's safeguards. */
export interface KeyRef {
  id: string;
  region: string;
}

export interface MovementEntryInput {
  kind: MovementKind;
  decision: MovementDecision;
  at: Date;
  source: { country: string; cell: string };
  destination: { country: string; cell: string };
  event: VisitNoteEvent;
  organization: Pick<Organization, 'id' | 'ehrTarget'>;
  /** Keyed hash of the patient with this cell's pseudonymisation key. */
  patientRef: string;
  senderId: string;
  key: KeyRef;
  /** Who moved it; the sender by default (`system:deliver` for deliveries, `him:<user>` for views). */
  actor?: string;
  /** Where it went; the organization's EHR target by default. */
  recipient?: { organization?: string; ehrTarget?: string };
}

const MAX_REASON = 1000;

/** A decision's legal mechanism as the ledger records it (type, reference, expiry), or null when none applied. */
export function ledgerMechanism(mechanism: MovementDecision['mechanism']): UnsealedEntry['mechanism'] {
  if (!mechanism) return null;
  return {
    type: mechanism.type,
    ...('reference' in mechanism ? { reference: mechanism.reference } : {}),
    ...('expires' in mechanism && mechanism.expires ? { expires: mechanism.expires } : {}),
  };
}

/**
 * The transfers-ledger entry for one movement decision of a note. PHI-free by
 * construction: it takes ids, countries, cells and the policy's words only
 * (the patient as a keyed hash, the note as id and version).
 */
export function movementEntry(input: MovementEntryInput): UnsealedEntry {
  const { decision, event } = input;
  return {
    transferId: randomUUID(),
    at: input.at.toISOString(),
    kind: input.kind,
    decision: decision.decision,
    source: input.source,
    destination: input.destination,
    recipient: input.recipient ?? {
      organization: input.organization.id,
      ehrTarget: input.organization.ehrTarget,
    },
    purpose: 'treatment',
    dataCategories: ['health-data', `loinc:${event.note.loincType}`],
    mechanism: ledgerMechanism(decision.mechanism),
    ruleId: decision.ruleId ?? null,
    reason: decision.reason.slice(0, MAX_REASON),
    safeguards: { keyId: input.key.id, keyRegion: input.key.region, pseudonymised: true },
    patientRef: input.patientRef,
    noteId: event.note.id,
    noteVersion: event.note.version,
    actor: input.actor ?? `sender:${input.senderId}`,
  };
}

/** A movement from one cell to another, as `decideMovementEntry` takes it. */
export type CellMovement = Omit<MovementEntryInput, 'decision' | 'key' | 'organization'> & {
  organization: Pick<Organization, 'id' | 'ehrTarget' | 'dpfCertified'>;
};

/**
 * Decides a movement between two cells by the residency policy (the organization
 * as recipient) and returns the decision with a builder of its ledger entry. The
 * builder takes the key that protects the note, which may be known only once the
 * note has moved (a forwarded note rests under the home cell's key); each call
 * builds a new entry with its own transfer id. Pure apart from that id.
 */
export function decideMovementEntry(
  policy: ResidencyPolicy,
  movement: CellMovement,
): { decision: MovementDecision; entry: (key: KeyRef) => UnsealedEntry } {
  const { kind, source, destination, organization, at } = movement;
  const decision = decideMovement(policy, {
    kind,
    from: { country: source.country, jurisdiction: source.cell },
    to: { country: destination.country, jurisdiction: destination.cell },
    recipient: { organizationId: organization.id, dpfCertified: organization.dpfCertified },
    at,
  });
  return { decision, entry: (key) => movementEntry({ ...movement, decision, key }) };
}
