import { timingSafeEqual } from 'node:crypto';
import type { Pseudonymizer } from '../../shared/ports/pseudonymizer.js';

/**
 * The sender's delivery-status link is a capability: its `sig` is a keyed hash
 * of sender, note and version, so only the holder of the receipt can read it
 * and no table lookup is needed to check it.
 */
export function deliveryStatusPath(
  p: Pseudonymizer,
  senderId: string,
  noteId: string,
  version: number,
): string {
  const sig = statusSignature(p, senderId, noteId, version);
  return `v1/senders/${encodeURIComponent(senderId)}/notes/${encodeURIComponent(noteId)}/versions/${version}/delivery?sig=${sig}`;
}

export function statusSignature(p: Pseudonymizer, senderId: string, noteId: string, version: number): string {
  return p.hash('delivery-status', `${senderId}|${noteId}|${version}`);
}

/** Constant-time check of a presented `sig`. */
export function isValidStatusSignature(
  p: Pseudonymizer,
  presented: string | undefined,
  ids: { senderId: string; noteId: string; version: number },
): boolean {
  if (!presented) return false;
  const expected = Buffer.from(statusSignature(p, ids.senderId, ids.noteId, ids.version));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
