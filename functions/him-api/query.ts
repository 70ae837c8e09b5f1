import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import type { HttpEvent } from '../../shared/http/apigw.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const INSTANT_MESSAGE =
  'must be a date (2026-11-30) or an ISO 8601 date-time with a zone (2026-11-30T09:00:00Z)';

const InstantText = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: INSTANT_MESSAGE });

/** An ISO 8601 instant with a zone, or a date (its first instant, UTC), as a Date: a range's start. */
export const Instant = InstantText.transform((s) => new Date(s));

/**
 * The end of a `[from, to)` range as a Date: an instant as given, or a date
 * meaning "up to and including that day" (UTC), so `to=2026-11-30` keeps the 30th.
 */
export const Until = InstantText.transform((s) =>
  DATE_ONLY.test(s) ? new Date(Date.parse(s) + DAY_MS) : new Date(s),
);

/** The longest period one report covers: a year and a day (a leap year and a `to` date inclusive). */
const MAX_PERIOD_DAYS = 367;

/** A report's required period `[from, to)`: `from` a start, `to` an end as `Until` reads it. */
export const Period = { from: Instant, to: Until };

/**
 * Checks a parsed period reads forwards and is at most a year long.
 *
 * @throws AppError('invalid-period') when `from` is not before `to` or the period is longer.
 */
export function checkPeriod(period: { from: Date; to: Date }): { from: Date; to: Date } {
  if (period.from.getTime() >= period.to.getTime())
    throw new AppError(
      'invalid-period',
      `from (${period.from.toISOString()}) must be before to (${period.to.toISOString()})`,
    );
  if (period.to.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    throw new AppError('invalid-period', `a report covers at most ${MAX_PERIOD_DAYS} days: split the period`);
  return period;
}

/** A page size: 1-1000, 50 when absent. */
export const Limit = z.coerce.number().int().min(1).max(1000).default(50);

/**
 * Parses query parameters (or a JSON body) with a schema. Each problem names its
 * field: `from` for a query parameter, `body.from` for a body field.
 *
 * @throws AppError('invalid-query') with an `errors` list of `{ path, message }`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: 'query' | 'body' | 'path' = 'query',
): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({
    path: [...(what === 'body' ? ['body'] : []), ...i.path].join('.') || what,
    message: i.message,
  }));
  const list = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  const noun = what === 'body' ? 'body field' : `${what} parameter`;
  throw new AppError('invalid-query', `${errors.length} ${noun}(s) not valid: ${list}`, { errors });
}

/** The request's JSON body as a value (an empty body is `{}`). */
export function jsonBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid-json', 'the body is not valid JSON');
  }
}

/** A patient identifier in a request body (legal holds, erasure): pseudonymised on arrival, never stored. */
export const PatientIdentifier = z
  .object({
    system: z.string().min(1).max(256).describe('identifier system URI'),
    value: z.string().min(1).max(256).describe('pseudonymised on arrival; never stored'),
  })
  .describe('a patient identifier the cell has received notes under');
