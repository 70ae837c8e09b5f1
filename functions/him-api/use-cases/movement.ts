import type { OutboxItem } from '../../../shared/domain/delivery/outbox-item.js';
import type { VisitNoteEvent } from '../../../shared/domain/event/schema.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import { type MovementFacts, movementRecord } from '../../../shared/domain/ledger/movement-entry.js';
import type { Principal } from '../auth.js';
import type { HimDeps } from './context.js';

/**
 * The ledger entry of a movement an HIM caller caused (a note viewed from abroad, a
 * replayed egress): from the patient's residence in this cell, under this cell's
 * key, with the caller as actor.
 */
export function himMovement(
  deps: HimDeps,
  principal: Principal,
  note: { item: OutboxItem; event: VisitNoteEvent },
  facts: Pick<MovementFacts, 'kind' | 'decision' | 'destination' | 'recipient' | 'purpose' | 'at'>,
): UnsealedEntry {
  const { item, event } = note;
  return movementRecord({
    ...facts,
    key: { id: deps.keyId, region: deps.keyRegion },
    ids: deps.ids,
    source: { country: event.patient.residenceCountry, cell: deps.cell },
    note: { id: item.noteId, version: item.version, loincType: event.note.loincType },
    patientRef: deps.pseudonymizer.patientRef(event.patient.identifiers),
    actor: `him:${principal.user}`,
  });
}
