import type { OutboxItem } from '../../shared/domain/delivery/outbox-item.js';
import type { EgressDecision } from '../../shared/domain/delivery/transition.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { decideMovementEntry } from '../../shared/domain/ledger/movement-entry.js';
import type { EhrTarget, ResidencyPolicy } from '../../shared/domain/policy/model.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { IdGenerator } from '../../shared/ports/ids.js';
import type { Pseudonymizer } from '../../shared/ports/pseudonymizer.js';

/** Whether a note may go to its EHR target; a movement out of the jurisdiction comes with its ledger entry. */
export interface EgressCheck {
  decide(item: OutboxItem, event: VisitNoteEvent, target: EhrTarget): EgressDecision;
}

/**
 * Egress by the residency policy: a target in the cell's own jurisdiction needs no
 * decision; any other is an `egress` movement, re-decided on every attempt (so a
 * replay after the policy changed is checked again). Writes nothing: the entry goes
 * into the step's transaction (an allowed one only once the note is delivered).
 */
export function policyEgress(deps: {
  cell: string;
  region: string;
  keyId: string;
  policy: ResidencyPolicy;
  pseudonymizer: Pseudonymizer;
  clock: Clock;
  ids: IdGenerator;
}): EgressCheck {
  return {
    decide: (item, event, target) => {
      if (target.jurisdiction === deps.cell) return { kind: 'domestic' };
      const organization = deps.policy.organizations.find((o) => o.id === item.tenant) ?? {
        id: item.tenant,
        ehrTarget: target.id,
        dpfCertified: false,
      };
      const { decision, entry } = decideMovementEntry(deps.policy, {
        ids: deps.ids,
        kind: 'egress',
        at: deps.clock.now(),
        source: { country: event.patient.residenceCountry, cell: deps.cell },
        destination: { country: target.country, cell: target.jurisdiction },
        event,
        organization,
        patientRef: deps.pseudonymizer.patientRef(event.patient.identifiers),
        senderId: item.senderId,
        actor: 'system:deliver',
        recipient: { organization: item.tenant, ehrTarget: target.id },
      });
      const built = entry({ id: deps.keyId, region: deps.region });
      return decision.decision === 'denied'
        ? { kind: 'denied', entry: built }
        : { kind: 'allowed', entry: built };
    },
  };
}
