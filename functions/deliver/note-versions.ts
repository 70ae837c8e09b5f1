import type { DeliveredVersion } from '../../shared/domain/delivery/plan.js';
import type { OutboxItem, OutboxKey } from '../../shared/ports/outbox.js';

const sameEvent = (a: OutboxKey, b: OutboxKey) =>
  a.version === b.version && (a.eventKind === 'retracted') === (b.eventKind === 'retracted');

/** The item of `key` among a note's outbox items. */
export const itemOf = (items: OutboxItem[], key: OutboxKey): OutboxItem | undefined =>
  items.find((i) => sameEvent(i, key));

/** Versions already in the EHR, with their DocumentReference ids (retractions are not versions). */
export function deliveredVersions(items: OutboxItem[]): DeliveredVersion[] {
  return items.flatMap((i) =>
    i.state === 'delivered' && i.eventKind !== 'retracted' && i.resourceIds?.documentReference
      ? [{ version: i.version, documentReferenceId: i.resourceIds.documentReference }]
      : [],
  );
}

/** The version an event waits for: an amendment its predecessor, a retraction the version it retracts. */
export const predecessorOf = (key: OutboxKey): number =>
  key.eventKind === 'retracted' ? key.version : key.version - 1;

/** Items of the note that wait for `delivered` (now in the EHR) and may go. */
export function waitingOn(items: OutboxItem[], delivered: OutboxKey): OutboxItem[] {
  if (delivered.eventKind === 'retracted') return [];
  return items.filter((i) => i.state === 'waiting' && predecessorOf(i) === delivered.version);
}
