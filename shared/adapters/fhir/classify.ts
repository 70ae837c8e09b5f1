import type { OperationOutcome } from '@medplum/fhirtypes';
import type { EhrFailure } from '../../ports/ehr-client.js';

/**
 * Reads `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 10.2.3).
 * @returns milliseconds to wait (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const isOperationOutcome = (body: unknown): body is OperationOutcome =>
  typeof body === 'object' &&
  body !== null &&
  (body as { resourceType?: unknown }).resourceType === 'OperationOutcome';

/**
 * Classifies a non-2xx response. `write` tells whether the request could have
 * changed data: a 5xx other than 503 to a write leaves its fate unknown.
 */
export function classifyStatus(
  status: number,
  write: boolean,
  body: unknown,
  retryAfterMs: number | undefined,
): EhrFailure {
  if (status === 401) return { kind: 'unauthorized', status, reason: 'ehr-refused-token' };
  if (status === 429)
    return { kind: 'throttled', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 408) {
    return write
      ? { kind: 'unknown-outcome', status, reason: 'request-timeout' }
      : { kind: 'unavailable', status, reason: 'request-timeout' };
  }
  if (status >= 400 && status < 500) {
    return { kind: 'rejected', status, ...(isOperationOutcome(body) ? { operationOutcome: body } : {}) };
  }
  if (status === 503 || !write) {
    return {
      kind: 'unavailable',
      status,
      reason: 'server-error',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { kind: 'unknown-outcome', status, reason: 'server-error' };
}

/** Error codes that mean no connection was made, so nothing reached the EHR. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The system error code inside a `fetch` failure (undici wraps it in `cause`). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a thrown `fetch` error: a timeout, a refused connection, or a broken one. */
export function classifyNetworkError(error: unknown, write: boolean): EhrFailure {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return write
      ? { kind: 'unknown-outcome', reason: 'timeout' }
      : { kind: 'unavailable', reason: 'timeout' };
  }
  const code = errorCode(error);
  if (code && NOT_CONNECTED.has(code)) return { kind: 'unavailable', reason: `connect-failed:${code}` };
  const reason = `connection-error${code ? `:${code}` : ''}`;
  return write ? { kind: 'unknown-outcome', reason } : { kind: 'unavailable', reason };
}
