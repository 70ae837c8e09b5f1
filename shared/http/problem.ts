import { AppError, type ErrorCode, isAppError } from '../domain/errors.js';

export const PROBLEM_BASE = 'https://visitbridge.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemSpec {
  status: number;
  title: string;
}

/** The single table from failure cause to HTTP status; the problem `type` is derived from the code. */
export const PROBLEMS: Readonly<Record<ErrorCode, ProblemSpec>> = {
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'missing-signature-headers': { status: 400, title: 'Missing Standard Webhooks headers' },
  'invalid-webhook-id': { status: 400, title: 'Invalid webhook-id' },
  'unknown-sender': { status: 401, title: 'Unknown sender' },
  'invalid-signature': { status: 401, title: 'Invalid signature' },
  'stale-timestamp': { status: 401, title: 'Timestamp outside tolerance' },
  'invalid-json': { status: 400, title: 'Body is not valid JSON' },
  'invalid-event': { status: 422, title: 'Event does not match the v1 schema' },
  'invalid-coding': { status: 422, title: "Code fails its code system's syntax or check digit" },
  'implausible-date': { status: 422, title: 'Date cannot be true' },
  'organization-not-allowed': { status: 403, title: 'Sender may not post for this organization' },
  'unknown-organization': { status: 422, title: 'Organization is not configured in the residency policy' },
  'unknown-country': { status: 422, title: 'Country has no jurisdiction in the residency policy' },
  'misdirected-request': { status: 421, title: 'Note belongs to another cell' },
  'transfer-denied': { status: 451, title: 'Transfer denied by the residency policy' },
  'webhook-id-reused': { status: 409, title: 'webhook-id reused for a different body' },
  'version-conflict': { status: 409, title: 'Note version already received with different content' },
  'not-found': { status: 404, title: 'Not found' },
  'invalid-path': { status: 400, title: 'Malformed request path' },
  'host-not-allowed': { status: 421, title: 'Host not served here' },
  'request-timeout': { status: 408, title: 'Request not received in time' },
  'invalid-cursor': { status: 400, title: 'Invalid pagination cursor' },
  'invalid-query': { status: 400, title: 'Invalid query parameters' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-parked': { status: 409, title: 'Delivery is not parked' },
  'export-too-large': { status: 422, title: 'Export too large for one response' },
  'seal-refused': { status: 409, title: 'Integrity check failed: nothing was sealed' },
  'ciphertext-mismatch': { status: 500, title: 'Internal error' },
  'storage-unavailable': { status: 503, title: 'Service unavailable' },
  'forward-failed': { status: 502, title: 'Home cell unreachable' },
  internal: { status: 500, title: 'Internal error' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemType = (code: ErrorCode): string => `${PROBLEM_BASE}${code}`;

/**
 * Turns any thrown value into an RFC 9457 problem. 4xx problems carry the
 * detail and extensions that say what to fix; 5xx problems say nothing internal.
 */
export function toProblem(error: unknown, instance?: string): Problem {
  const appError = isAppError(error) ? error : new AppError('internal', 'unexpected error');
  const spec = PROBLEMS[appError.code];
  const base: Problem = { type: problemType(appError.code), title: spec.title, status: spec.status };
  if (instance) base.instance = instance;
  if (spec.status >= 500) return base;
  return { ...appError.extensions, ...base, detail: appError.detail };
}
