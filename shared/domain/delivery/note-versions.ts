import type { OutboxItem, OutboxKey } from './outbox-item.js';
import type { DeliveredVersion } from './plan.js';

const isRetraction = (key: Pick<OutboxKey, 'eventKind'>) => key.eventKind === 'retracted';
const sameEvent = (a: OutboxKey, b: OutboxKey) =>
  a.version === b.version && isRetraction(a) === isRetraction(b);

/** The key of version `version` of a note (a retraction when `retraction`). */
export const versionKey = (
  note: Pick<OutboxKey, 'senderId' | 'noteId'>,
  version: number,
  retraction: boolean,
): OutboxKey => ({
  senderId: note.senderId,
  noteId: note.noteId,
  version,
  eventKind: retraction ? 'retracted' : version > 1 ? 'amended' : 'finalized',
});

/** The item of `key` among a note's outbox items. */
export const itemOf = (items: readonly OutboxItem[], key: OutboxKey): OutboxItem | undefined =>
  items.find((i) => sameEvent(i, key));

/** Versions already in the EHR, with their DocumentReference ids (retractions are not versions). */
export function deliveredVersions(items: readonly OutboxItem[]) {
  return items.flatMap((i) =>
    i.state === 'delivered' && !isRetraction(i) && i.resourceIds?.documentReference
      ? [{ version: i.version, documentReferenceId: i.resourceIds.documentReference } as DeliveredVersion]
      : [],
  );
}

/** The event an item waits for: an amendment its predecessor version, a retraction the version it retracts. */
export const predecessorOf = (key: OutboxKey): OutboxKey =>
  versionKey(key, isRetraction(key) ? key.version : key.version - 1, false);

/**
 * The events that may wait for `key`: the next version (an amendment) and the
 * retraction of this version. A retraction has none.
 */
export const successorsOf = (key: OutboxKey): OutboxKey[] =>
  isRetraction(key) ? [] : [versionKey(key, key.version + 1, false), versionKey(key, key.version, true)];
