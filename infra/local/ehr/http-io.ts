import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationOutcome } from '@medplum/fhirtypes';

/** A response before it is written: status, headers and an optional JSON body. */
export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Raised when a request body exceeds the limit; answered 413. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Reads the whole request body.
 * @throws BodyTooLargeError past 10 MiB.
 */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a result as JSON (FHIR JSON when the body is a FHIR resource). */
export function send(res: ServerResponse, result: HttpResult): void {
  if (res.headersSent || res.destroyed) return;
  const isResource = typeof result.body === 'object' && result.body !== null && 'resourceType' in result.body;
  const headers: Record<string, string> = { ...result.headers };
  if (result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  headers['content-type'] = isResource
    ? 'application/fhir+json; charset=utf-8'
    : 'application/json; charset=utf-8';
  res.writeHead(result.status, headers).end(JSON.stringify(result.body));
}

/** An OperationOutcome with one issue, for errors raised outside Medplum's router. */
export function outcome(
  code: string,
  text: string,
  severity: 'error' | 'fatal' | 'warning' = 'error',
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity, code: code as 'processing', details: { text } }],
  };
}

/** A FHIR error result: status plus a one-issue OperationOutcome. */
export function fhirError(
  status: number,
  code: string,
  text: string,
  headers?: Record<string, string>,
): HttpResult {
  return { status, headers, body: outcome(code, text) };
}

/** True for loopback peers; the control API refuses anyone else. */
export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
