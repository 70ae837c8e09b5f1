import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import type { HttpEvent } from '../../shared/http/apigw.js';

/** An ISO 8601 instant with a zone, as a Date. */
export const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** A page size: 1-200, 50 when absent. */
export const Limit = z.coerce.number().int().min(1).max(200).default(50);

/**
 * Parses query parameters (or a JSON body) with a schema.
 *
 * @throws AppError('invalid-query') naming every bad parameter.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'query'): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new AppError('invalid-query', `${errors.length} ${what} parameter(s) are not valid`, { errors });
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
