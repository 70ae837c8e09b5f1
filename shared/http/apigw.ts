import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../domain/errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Case-insensitive header lookup (API Gateway lower-cases, local callers may not). */
export function header(event: Pick<HttpEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The request body exactly as sent, as bytes. */
export function rawBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problemResult(problem: Problem): HttpResult {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' },
    body: JSON.stringify(problem),
  };
}

/**
 * A path parameter that the route guarantees, percent-decoded.
 *
 * @throws AppError `invalid-path` (400, naming the path) for a malformed percent-encoding such as `%E0%A4%A`;
 *   Error when the route has no such parameter (routing is misconfigured).
 */
export function pathParam(event: Pick<HttpEvent, 'pathParameters' | 'rawPath'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`route has no path parameter "${name}"`);
  return decodePathPart(value, event.rawPath);
}

/**
 * Refuses a request whose path has a malformed percent-encoding, for routes
 * that decode the path themselves (the HIM API's `{proxy+}`).
 *
 * @throws AppError `invalid-path` (400) naming the path.
 */
export function checkPathEncoding(event: Pick<HttpEvent, 'rawPath'>): void {
  decodePathPart(event.rawPath ?? '', event.rawPath);
}

function decodePathPart(value: string, rawPath: string | undefined): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    const path = rawPath ?? value;
    throw new AppError(
      'invalid-path',
      `the path ${path} has a malformed percent-encoding: write "%" as %25 and each byte as %XX`,
      { path },
      { cause: error },
    );
  }
}
