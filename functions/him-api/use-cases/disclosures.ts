import * as z from 'zod';
import type { AuditEntry } from '../../../shared/domain/audit/entry.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { LedgerEntry } from '../../../shared/domain/ledger/entry.js';
import { checkPeriod, PatientIdentifier, Period, parseInput } from '../query.js';
import type { HimDeps } from './context.js';
import { PURPOSES_OF_USE } from './notes.js';

/** Audit actions that read a patient's PHI: what "access" means in a disclosure accounting. */
export const PHI_ACCESS_ACTIONS = ['notes.view'] as const;

/** Entries in one report at most: past this the period must be split. */
const MAX_RECORDS = 20_000;

export const DisclosureRequest = z.object({
  patient: PatientIdentifier,
  ...Period,
  purpose: z.enum(PURPOSES_OF_USE, { error: `must be one of ${PURPOSES_OF_USE.join(', ')}` }),
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
});
export type DisclosureRequest = z.infer<typeof DisclosureRequest>;

/** A movement of the patient's data, as the report states it: no hashes, no PHI. */
export interface DisclosedMovement {
  at: string;
  transferId: string;
  kind: LedgerEntry['kind'];
  decision: LedgerEntry['decision'];
  corridor: string;
  source: LedgerEntry['source'];
  destination: LedgerEntry['destination'];
  recipient: LedgerEntry['recipient'];
  mechanism: LedgerEntry['mechanism'];
  purpose: string;
  dataCategories: string[];
  noteId: string | null;
  noteVersion: number | null;
}

/** An access to the patient's record: who, in which role, why, from where, when, and how it ended. */
export interface DisclosedAccess {
  at: string;
  actor: string;
  role: string;
  action: string;
  purpose: string | null;
  viewerCountry: string | null;
  outcome: string;
  /** The note event read, as ids. */
  target: string;
}

export interface DisclosureReport {
  cell: string;
  jurisdiction: string;
  patientRef: string;
  period: { from: string; to: string };
  generatedAt: string;
  movements: DisclosedMovement[];
  accesses: DisclosedAccess[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const VALUE_UNSAFE = /[\u0000-\u001f\u007f-\u009f|]/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s|]+$/;

/**
 * Checks an identifier is well formed, without ever echoing it.
 *
 * @throws AppError('invalid-identifier') naming what is wrong, not the value.
 */
export function checkIdentifier(id: { system: string; value: string }): void {
  if (!ABSOLUTE_URI.test(id.system))
    throw new AppError('invalid-identifier', 'system must be an absolute URI (https://…, urn:oid:…)');
  if (id.value.trim() === '' || VALUE_UNSAFE.test(id.value))
    throw new AppError('invalid-identifier', 'value must be non-blank, without control characters or |');
}

const movementOf = (e: LedgerEntry): DisclosedMovement => ({
  at: e.at,
  transferId: e.transferId,
  kind: e.kind,
  decision: e.decision,
  corridor: `${e.source.cell}:${e.destination.cell}`,
  source: e.source,
  destination: e.destination,
  recipient: e.recipient,
  mechanism: e.mechanism,
  purpose: e.purpose,
  dataCategories: e.dataCategories,
  noteId: e.noteId,
  noteVersion: e.noteVersion,
});

const accessOf = (e: AuditEntry): DisclosedAccess => ({
  at: e.at,
  actor: e.actor,
  role: e.role,
  action: e.action,
  purpose: e.purpose ?? null,
  viewerCountry: e.viewerCountry ?? null,
  outcome: e.outcome,
  target: e.target,
});

/** Every audit entry of the PHI access actions in `[from, to)`, oldest first, page by page. */
async function* phiAccesses(deps: HimDeps, from: Date, to: Date): AsyncIterable<AuditEntry> {
  for (const action of PHI_ACCESS_ACTIONS) {
    let cursor: string | undefined;
    do {
      const page = await deps.audit.query(
        { from, to, action },
        { limit: 1000, order: 'asc', ...(cursor ? { cursor } : {}) },
      );
      yield* page.entries;
      cursor = page.nextCursor;
    } while (cursor);
  }
}

/**
 * The disclosure accounting and subject access report of one patient of this cell
 * for a period (HIPAA 164.528, GDPR Art. 15): every movement of their data the ledger
 * holds (by the keyed reference of the identifier given) and every PHI access the
 * audit log ties to them. An identifier the cell has no records of gets an empty
 * report, not an error: the cell cannot tell "unknown" from "nothing happened".
 * The identifier is turned into its reference at once and kept nowhere.
 *
 * @param whose told the patient's reference first, so the request's own audit entry names it.
 * @throws AppError('invalid-query') for missing or invalid fields (a purpose among them);
 *   AppError('invalid-identifier'), AppError('invalid-period'); AppError('export-too-large')
 *   past 20,000 records. Nothing is read before the request is valid.
 */
export async function disclosureReport(
  deps: HimDeps,
  body: unknown,
  whose: (patientRef: string) => void,
): Promise<{ request: DisclosureRequest; report: DisclosureReport }> {
  const request = parseInput(DisclosureRequest, body, 'body');
  checkIdentifier(request.patient);
  const { from, to } = checkPeriod(request);
  const patientRef = deps.pseudonymizer.patientRef([request.patient]);
  whose(patientRef);
  const movements: DisclosedMovement[] = [];
  for await (const e of deps.ledger.entries({ from, to, patientRef })) {
    movements.push(movementOf(e));
    if (movements.length > MAX_RECORDS) throw tooLarge();
  }
  const accesses: DisclosedAccess[] = [];
  for await (const e of phiAccesses(deps, from, to)) {
    if (e.patientRef !== patientRef) continue;
    accesses.push(accessOf(e));
    if (movements.length + accesses.length > MAX_RECORDS) throw tooLarge();
  }
  return {
    request,
    report: {
      cell: deps.cell,
      jurisdiction: deps.jurisdiction.name,
      patientRef,
      period: { from: from.toISOString(), to: to.toISOString() },
      generatedAt: deps.clock.now().toISOString(),
      movements,
      accesses,
    },
  };
}

const tooLarge = () =>
  new AppError('export-too-large', `more than ${MAX_RECORDS} records in the period: split it`);
