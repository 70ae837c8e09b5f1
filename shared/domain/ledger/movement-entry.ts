import type { IdGenerator } from '../../ports/ids.js';
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

/** Everything a movement's ledger entry records; PHI-free (the patient as a keyed hash, the note as id and version). */
export interface MovementFacts {
  kind: MovementKind;
  decision: MovementDecision;
  at: Date;
  source: { country: string; cell: string };
  destination: { country: string; cell: string };
  recipient: { organization?: string; ehrTarget?: string };
  /** Why the data moved: `treatment` for deliveries, `him-review` for a HIM viewing a note. */
  purpose: string;
  note: { id: string; version: number; loincType: string };
  patientRef: string;
  /** Who moved it: `sender:<id>`, `system:deliver`, `him:<user>`. */
  actor: string;
  key: KeyRef;
  /** Makes the entry's transfer id. */
  ids: IdGenerator;
}

/** A movement of a note event between places, as ingest and the delivery worker record it. */
export interface MovementEntryInput {
  ids: IdGenerator;
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
 * The transfers-ledger entry of one movement decision: the one builder every
 * function uses. PHI-free by construction: it takes ids, countries, cells and the
 * policy's words only.
 */
export function movementRecord(f: MovementFacts): UnsealedEntry {
  return {
    transferId: f.ids.next(),
    at: f.at.toISOString(),
    kind: f.kind,
    decision: f.decision.decision,
    source: f.source,
    destination: f.destination,
    recipient: f.recipient,
    purpose: f.purpose,
    dataCategories: ['health-data', `loinc:${f.note.loincType}`],
    mechanism: ledgerMechanism(f.decision.mechanism),
    ruleId: f.decision.ruleId ?? null,
    reason: f.decision.reason.slice(0, MAX_REASON),
    safeguards: { keyId: f.key.id, keyRegion: f.key.region, pseudonymised: true },
    patientRef: f.patientRef,
    noteId: f.note.id,
    noteVersion: f.note.version,
    actor: f.actor,
  };
}

/** The ledger entry of a note event's movement (for treatment; to the organization's EHR unless `recipient` says). */
export function movementEntry(input: MovementEntryInput): UnsealedEntry {
  const { event, organization } = input;
  return movementRecord({
    ...input,
    recipient: input.recipient ?? { organization: organization.id, ehrTarget: organization.ehrTarget },
    purpose: 'treatment',
    note: { id: event.note.id, version: event.note.version, loincType: event.note.loincType },
    actor: input.actor ?? `sender:${input.senderId}`,
  });
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
 * builds a new entry with a new transfer id from the movement's `ids`.
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
