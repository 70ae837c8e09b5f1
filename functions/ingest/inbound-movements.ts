import { AppError } from '../../shared/domain/errors.js';
import type { UnsealedEntry } from '../../shared/domain/ledger/entry.js';
import { type KeyRef, movementEntry, NO_CELL } from '../../shared/domain/ledger/movement-entry.js';
import { decideMovement } from '../../shared/domain/policy/decide.js';
import type { ResidencyPolicy } from '../../shared/domain/policy/model.js';
import { jurisdictionOfCountry } from '../../shared/domain/policy/parse.js';
import type { IdGenerator } from '../../shared/ports/ids.js';
import type { LedgerStore } from '../../shared/ports/ledger.js';
import type { InboundMovements } from './accept-note.js';
import { denialExtensions } from './movement-entry.js';

export interface InboundMovementOptions {
  policy: ResidencyPolicy;
  /** This cell's ledger, for denied attempts (allowed ones go into the note's own transaction). */
  ledger: Pick<LedgerStore, 'append'>;
  /** This cell's wrapping key. */
  key: KeyRef;
  /** Transfer ids of the entries. */
  ids: IdGenerator;
}

/**
 * Decides the movement of a note written abroad into this cell (clinician's
 * location → patient's residence; a different country is a movement even within
 * one jurisdiction). Allowed: returns its ledger entry, to be written atomically
 * with the note. Same country: no movement, no entry.
 *
 * @throws AppError('transfer-denied') naming the rule and reason, after appending
 *   the denied attempt to the ledger; nothing else is stored.
 */
export function inboundMovements(options: InboundMovementOptions): InboundMovements {
  return async (event, ctx) => {
    const from = event.clinician.locationCountry;
    const to = event.patient.residenceCountry;
    if (from === to) return [];
    const decision = decideMovement(options.policy, {
      kind: 'inbound',
      from: { country: from },
      to: { country: to, jurisdiction: ctx.cell },
      recipient: { organizationId: ctx.organization.id, dpfCertified: ctx.organization.dpfCertified },
      at: ctx.at,
    });
    const source = { country: from, cell: jurisdictionOfCountry(options.policy, from)?.id ?? NO_CELL };
    const destination = { country: to, cell: ctx.cell };
    const entry: UnsealedEntry = movementEntry({
      ids: options.ids,
      kind: 'inbound',
      decision,
      at: ctx.at,
      source,
      destination,
      event,
      organization: ctx.organization,
      patientRef: ctx.patientRef,
      senderId: ctx.senderId,
      key: options.key,
    });
    if (decision.decision === 'allowed') return [entry];
    await options.ledger.append([entry]);
    throw new AppError(
      'transfer-denied',
      `the residency policy does not allow a note written in ${from} for a patient living in ${to}: ${decision.reason}. Nothing was stored`,
      denialExtensions('inbound', decision, source, destination),
    );
  };
}
