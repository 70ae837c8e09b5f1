import * as z from 'zod';
import type { NoteEventKind, OutboxItem, OutboxKey } from '../../../shared/domain/delivery/outbox-item.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { VisitNoteEvent } from '../../../shared/domain/event/schema.js';
import { NO_CELL } from '../../../shared/domain/ledger/movement-entry.js';
import { decideMovement } from '../../../shared/domain/policy/decide.js';
import { jurisdictionOfCountry } from '../../../shared/domain/policy/parse.js';
import { type Principal, viewerCountry } from '../auth.js';
import { parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { himMovement } from './movement.js';

/** Why a note is read (HIPAA's purposes of use and GDPR's grounds, as the audit log records them). */
export const PURPOSES_OF_USE = [
  'treatment',
  'payment',
  'operations',
  'legal',
  'patient-request',
  'public-health',
  'audit',
] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

/** The note view's query: which event of the version, and why it is read. */
export const ViewQuery = z.object({
  event: z.enum(['finalized', 'amended', 'retracted']).optional(),
  purpose: z.enum(PURPOSES_OF_USE, { error: `must be one of ${PURPOSES_OF_USE.join(', ')}` }),
});

/** The purpose a view request names, or undefined when it names none that is allowed (the view then refuses). */
export const purposeOf = (query: Record<string, string | undefined>): PurposeOfUse | undefined =>
  ViewQuery.shape.purpose.safeParse(query.purpose).data;

export const KeyInput = z.object({
  senderId: z.string().min(1).max(128),
  noteId: z.string().min(1).max(256),
  version: z.coerce.number().int().min(1),
  event: z.enum(['finalized', 'amended', 'retracted']).optional(),
});

/**
 * The outbox key of `{senderId}/{noteId}/{version}?event=…`. Without `event`,
 * the version itself (finalized for version 1, amended after), not its retraction.
 *
 * @throws AppError('invalid-query') for a bad version or event.
 */
export function noteKeyOf(params: Record<string, string>, event: string | undefined): OutboxKey {
  const k = parseInput(KeyInput, { ...params, event }, 'path');
  const eventKind: NoteEventKind = k.event ?? (k.version > 1 ? 'amended' : 'finalized');
  return { senderId: k.senderId, noteId: k.noteId, version: k.version, eventKind };
}

/** An audit target for a note event: ids only. */
export const noteTarget = (params: Record<string, string | undefined>, event: string | undefined): string =>
  `note:${params.senderId ?? '?'}/${params.noteId ?? '?'}/${params.version ?? '?'}/${event ?? 'version'}`;

/**
 * Reads and decrypts a note event of this cell (the ciphertext's binding is checked).
 *
 * @throws AppError('not-found') when the cell holds no such note event or its ciphertext has expired.
 */
export async function readNote(
  deps: HimDeps,
  key: OutboxKey,
): Promise<{ item: OutboxItem; event: VisitNoteEvent }> {
  const item = await deps.outbox.get(key);
  const ciphertext = item ? await deps.outbox.ciphertext(key) : undefined;
  if (item && !ciphertext) {
    const erasureId = await deps.erasures.erasureOf(key);
    if (erasureId)
      throw new AppError('note-erased', `this note was erased (erasure ${erasureId})`, { erasureId });
  }
  if (!item || !ciphertext) throw new AppError('not-found', 'this cell holds no such note event');
  const event = await deps.encryptor.decrypt(ciphertext, {
    cell: deps.cell,
    tenant: item.tenant,
    senderId: key.senderId,
    noteId: key.noteId,
    version: key.version,
    patientRef: item.patientRef ?? '',
  });
  return { item, event };
}

/**
 * A privacy officer reads a note, for a stated purpose of use (recorded in the
 * audit entry). A viewer whose country (token claim) lies outside the cell's
 * jurisdiction is a `remote-access` movement: the residency policy decides, and
 * the decision is written to the ledger either way.
 *
 * @throws AppError('invalid-query') without an allowed `purpose`;
 *   AppError('viewer-country-unknown') when the token does not say where the viewer is;
 *   AppError('transfer-denied') (451) when the policy denies the remote access;
 *   AppError('not-found') when there is no such note. Nothing is decrypted for the first two.
 * @param whose told the patient's keyed reference as soon as the note is read, so the
 *   audit entry of the view names whose record it was (a disclosure accounting reads it).
 */
export async function viewNote(
  deps: HimDeps,
  principal: Principal,
  key: OutboxKey,
  query: Record<string, string | undefined>,
  whose: (patientRef: string) => void = () => undefined,
): Promise<{ noteId: string; version: number; event: VisitNoteEvent }> {
  const { purpose } = parseInput(ViewQuery, query, 'query');
  // Fail closed: without the viewer's country nothing says whether this read crosses a border.
  const country = viewerCountry(principal);
  const { item, event } = await readNote(deps, key);
  whose(deps.pseudonymizer.patientRef(event.patient.identifiers));
  if (!deps.jurisdiction.countries.includes(country)) {
    const org = deps.policy.organizations.find((o) => o.id === item.tenant);
    const at = deps.clock.now();
    const decision = decideMovement(deps.policy, {
      kind: 'remote-access',
      from: { country: event.patient.residenceCountry, jurisdiction: deps.cell },
      to: { country },
      ...(org ? { recipient: { organizationId: org.id, dpfCertified: org.dpfCertified } } : {}),
      at,
    });
    await deps.ledger.append([
      himMovement(
        deps,
        principal,
        { item, event },
        {
          kind: 'remote-access',
          decision,
          destination: { country, cell: jurisdictionOfCountry(deps.policy, country)?.id ?? NO_CELL },
          recipient: { organization: item.tenant },
          purpose,
          at,
        },
      ),
    ]);
    if (decision.decision === 'denied') {
      throw new AppError('transfer-denied', `remote access from ${country}: ${decision.reason}`, {
        basis: decision.basis,
      });
    }
  }
  return { noteId: key.noteId, version: key.version, event };
}
