import { codingProblem, LOINC } from '../codes/systems.js';
import { AppError } from '../errors.js';
import type { FieldError, VisitNoteEvent } from './schema.js';

/** How far ahead of this cell's clock a sender's clock may run before its times count as future. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Beyond the oldest person ever recorded; catches placeholder dates such as 0001-01-01. */
export const MAX_AGE_YEARS = 150;
/** A calendar date begins first at UTC+14, so a date is "today" somewhere 14 hours before UTC midnight. */
const EARLIEST_ZONE_MS = 14 * 3_600_000;

/** The codes of `event` that fail their code system's syntax or check digit (none for unknown systems). */
export function codingErrors(event: VisitNoteEvent): FieldError[] {
  const errors: FieldError[] = [];
  const loinc = codingProblem(LOINC, event.note.loincType);
  if (loinc) errors.push({ path: 'note.loincType', message: loinc });
  event.diagnoses.forEach((d, i) => {
    const problem = codingProblem(d.system, d.code);
    if (problem) errors.push({ path: `diagnoses.${i}.code`, message: problem });
  });
  return errors;
}

/**
 * The dates of `event` that cannot be true at `now`: a birth date in the future,
 * a visit before the birth date or more than {@link MAX_AGE_YEARS} after it,
 * a visit time or `occurredAt` more than {@link CLOCK_SKEW_MS} ahead of `now`.
 * Calendar dates are read in the earliest time zone, so no real date is refused.
 */
export function dateErrors(event: VisitNoteEvent, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const latest = now.getTime() + CLOCK_SKEW_MS;
  const birthDay = Date.parse(`${event.patient.birthDate}T00:00:00Z`);
  const born = birthDay - EARLIEST_ZONE_MS;
  const tooOld = new Date(birthDay);
  tooOld.setUTCFullYear(tooOld.getUTCFullYear() + MAX_AGE_YEARS);
  const start = Date.parse(event.visit.start);
  if (born > now.getTime()) {
    errors.push({ path: 'patient.birthDate', message: 'must not be in the future' });
  } else if (start < born) {
    errors.push({ path: 'visit.start', message: 'must not be before patient.birthDate' });
  } else if (start >= tooOld.getTime()) {
    errors.push({
      path: 'patient.birthDate',
      message: `must be less than ${MAX_AGE_YEARS} years before the visit`,
    });
  }
  const future = `must not be in the future (more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of the receiving clock)`;
  for (const [path, value] of [
    ['visit.start', event.visit.start],
    ['visit.end', event.visit.end],
    ['occurredAt', event.occurredAt],
  ] as const) {
    if (Date.parse(value) > latest) errors.push({ path, message: future });
  }
  return errors;
}

/**
 * The checks that follow the schema: codes by their code system's rules, then
 * dates against the receiving clock. Each problem lists every field of its kind.
 *
 * @throws AppError('invalid-coding') when a code fails its system's syntax or check digit.
 * @throws AppError('implausible-date') when a date cannot be true at `now`.
 */
export function assertEventQuality(event: VisitNoteEvent, now: Date): void {
  const codings = codingErrors(event);
  if (codings.length > 0) {
    throw new AppError('invalid-coding', `${codings.length} code(s) fail their code system's rules`, {
      errors: codings,
    });
  }
  const dates = dateErrors(event, now);
  if (dates.length > 0) {
    throw new AppError('implausible-date', `${dates.length} date(s) cannot be true`, { errors: dates });
  }
}
