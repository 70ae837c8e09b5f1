import { randomUUID } from 'node:crypto';
import type { MovementKind, Organization } from '../../config/policy.js';
import type { VisitNoteEvent } from '../event/schema.js';
import type { MovementDecision } from '../policy/decide.js';
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

/**
 * The transfers-ledger entry for one movement decision of a note. PHI-free by
 * construction: it takes ids, countries, cells and the policy's words only
 * (the patient as a keyed hash, the note as id and version).
 */
export function movementEntry(input: MovementEntryInput): UnsealedEntry {
  const { decision, event } = input;
  const mechanism = decision.mechanism;
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
    mechanism: mechanism
      ? {
          type: mechanism.type,
          ...('reference' in mechanism ? { reference: mechanism.reference } : {}),
          ...('expires' in mechanism && mechanism.expires ? { expires: mechanism.expires } : {}),
        }
      : null,
    ruleId: decision.ruleId ?? null,
    reason: decision.reason.slice(0, MAX_REASON),
    safeguards: { keyId: input.key.id, keyRegion: input.key.region, pseudonymised: true },
    patientRef: input.patientRef,
    noteId: event.note.id,
    noteVersion: event.note.version,
    actor: input.actor ?? `sender:${input.senderId}`,
    reviewState: 'unreviewed',
  };
}
