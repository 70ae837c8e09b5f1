import type { HoldScope, LegalHold } from '../../ports/legal-holds.js';

/** At most this many characters in a hold's reason (a matter or case number, not a story). */
export const HOLD_REASON_MAX = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * What in a reason looks like PHI rather than a matter reference: an e-mail
 * address, a date (a birth date), six or more digits in a row, or digits grouped
 * as a national identifier or phone number (`943 476 5919`, `123-45-6789`).
 */
const PHI_LIKE: ReadonlyArray<[RegExp, string]> = [
  [/[^\s@]+@[^\s@]+\.[^\s@]+/, 'an e-mail address'],
  [/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/, 'a date'],
  [/\d{6,}/, 'a long number'],
  [/\b\d{3}[ -]\d{2,3}[ -]\d{3,4}\b/, 'a grouped identifier or phone number'],
];

/**
 * Why a hold's reason cannot be stored, or undefined when it can. A reason is a
 * matter or case number and a few words: it reaches the audit log and the console,
 * so it must carry no PHI and no control characters. `identifierValue` is the patient
 * identifier the request names: a reason that repeats it is refused too.
 */
export function holdReasonProblem(reason: string, identifierValue?: string): string | undefined {
  if (reason.trim().length === 0) return 'must not be empty';
  if (reason.length > HOLD_REASON_MAX) return `must be at most ${HOLD_REASON_MAX} characters`;
  if (CONTROL.test(reason)) return 'must not contain control characters (line breaks, escapes, bidi marks)';
  if (identifierValue && identifierValue.length >= 3 && reason.includes(identifierValue))
    return 'must not repeat the patient identifier';
  for (const [pattern, what] of PHI_LIKE) {
    if (pattern.test(reason))
      return `looks like it holds PHI (${what}); state a matter or case reference, e.g. "Matter LIT-2026-14"`;
  }
  return undefined;
}

/** Whether a hold is in force (placed and not released). */
export const isActive = (hold: LegalHold): boolean => hold.releasedAt === undefined;

/** Whether an active hold covers records of this patient (`pt_…`) held for one of these organisations. */
export function covers(
  hold: LegalHold,
  patientRef: string | undefined,
  organizations: readonly string[],
): boolean {
  if (!isActive(hold)) return false;
  const matches: Record<HoldScope, () => boolean> = {
    patient: () => hold.subject === patientRef,
    organization: () => organizations.includes(hold.subject),
  };
  return matches[hold.scope]();
}
