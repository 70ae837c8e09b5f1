import type { EhrTarget, ResidencyPolicy } from '../../shared/config/policy.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { decideMovementEntry } from '../../shared/domain/ledger/movement-entry.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { LedgerStore } from '../../shared/ports/ledger.js';
import type { OutboxItem } from '../../shared/ports/outbox.js';
import type { Pseudonymizer } from '../../shared/ports/pseudonymizer.js';

export interface EgressResult {
  allowed: boolean;
  /** Writes the ledger entry of an allowed cross-border delivery once it has landed. */
  record?: () => Promise<void>;
}

/** Whether a note may go to its EHR target; movements out of the jurisdiction are decided and logged. */
export interface EgressCheck {
  check(item: OutboxItem, event: VisitNoteEvent, target: EhrTarget): Promise<EgressResult>;
}

/**
 * Egress by the residency policy: a target in the cell's own jurisdiction needs no
 * decision; any other is an `egress` movement, re-decided on every attempt (so a
 * replay after the policy changed is checked again), logged allowed or denied.
 */
export function policyEgress(deps: {
  cell: string;
  region: string;
  keyId: string;
  policy: ResidencyPolicy;
  ledger: LedgerStore;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
}): EgressCheck {
  return {
    check: async (item, event, target) => {
      if (target.jurisdiction === deps.cell) return { allowed: true };
      const at = deps.clock.now();
      const organization = deps.policy.organizations.find((o) => o.id === item.tenant) ?? {
        id: item.tenant,
        ehrTarget: target.id,
        dpfCertified: false,
      };
      const { decision, entry } = decideMovementEntry(deps.policy, {
        kind: 'egress',
        at,
        source: { country: event.patient.residenceCountry, cell: deps.cell },
        destination: { country: target.country, cell: target.jurisdiction },
        event,
        organization,
        patientRef: deps.pseudonymizer.patientRef(event.patient.identifiers),
        senderId: item.senderId,
        actor: 'system:deliver',
        recipient: { organization: item.tenant, ehrTarget: target.id },
      });
      const key = { id: deps.keyId, region: deps.region };
      if (decision.decision === 'denied') {
        await deps.ledger.append([entry(key)]);
        return { allowed: false };
      }
      return { allowed: true, record: async () => void (await deps.ledger.append([entry(key)])) };
    },
  };
}
