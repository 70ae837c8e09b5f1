import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { handleControl } from './control.js';
import { runWithFault } from './fault-runner.js';
import type { FaultInjector } from './faults.js';
import type { FhirHandler } from './fhir-handler.js';
import { BodyTooLargeError, fhirError, type HttpResult, isLoopback, readBody, send } from './http-io.js';
import type { SmartAuthServer } from './smart-auth.js';
import type { SandboxEhr } from './types.js';

/** Path of the FHIR base below the origin. */
export const FHIR_BASE_PATH = '/fhir/R4';
/** Path of the SMART token endpoint below the origin. */
export const TOKEN_PATH = '/auth/token';
const SMART_CONFIG = '/.well-known/smart-configuration';

/** What the listener dispatches to; built once per sandbox in `index.ts`. */
export interface SandboxParts {
  ehr: SandboxEhr;
  auth: SmartAuthServer;
  fhir: FhirHandler;
  faults: FaultInjector;
  counters: { fhir: number; token: number; control: number; tokensIssued: number };
  /** Aborted on stop, ending delayed responses. */
  signal: AbortSignal;
}

/** Routes SMART discovery, the token endpoint, the control API and the FHIR API. */
export function createListener(parts: SandboxParts): RequestListener {
  return (req, res) => {
    dispatch(parts, req, res).catch((error: unknown) => {
      const status = error instanceof BodyTooLargeError ? 413 : 500;
      send(res, fhirError(status, status === 413 ? 'too-costly' : 'exception', 'request failed'));
    });
  };
}

async function dispatch(parts: SandboxParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  if (method === 'GET' && (path === SMART_CONFIG || path === FHIR_BASE_PATH + SMART_CONFIG)) {
    return send(res, { status: 200, body: parts.auth.smartConfiguration() });
  }
  if (path === TOKEN_PATH) return token(parts, req, res);
  if (path.startsWith('/_sandbox/')) {
    parts.counters.control += 1;
    if (!isLoopback(req.socket.remoteAddress))
      return send(res, { status: 403, body: { error: 'forbidden' } });
    const body = await readJson(req);
    return send(
      res,
      await handleControl(parts.ehr, { method, path: path.slice(10), query: url.searchParams, body }),
    );
  }
  if (path === FHIR_BASE_PATH || path.startsWith(`${FHIR_BASE_PATH}/`)) return fhir(parts, req, res, url);
  send(res, fhirError(404, 'not-found', 'Not found'));
}

async function token(parts: SandboxParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  parts.counters.token += 1;
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (req.method !== 'POST') {
    return send(res, { status: 405, headers: { allow: 'POST' }, body: { error: 'invalid_request' } });
  }
  const raw = await readBody(req);
  if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
    const body = { error: 'invalid_request', error_description: 'use application/x-www-form-urlencoded' };
    return send(res, { status: 400, headers: noStore, body });
  }
  const fault = parts.faults.pick({ target: 'token', method: 'POST' });
  await runWithFault(fault, { req, res, signal: parts.signal }, async () => {
    const result = await parts.auth.issueToken(new URLSearchParams(raw.toString('utf8')));
    if (result.status === 200) parts.counters.tokensIssued += 1;
    return { status: result.status, headers: noStore, body: result.body };
  });
}

async function fhir(parts: SandboxParts, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  parts.counters.fhir += 1;
  const method = req.method ?? 'GET';
  const path = url.pathname.slice(FHIR_BASE_PATH.length + 1).replace(/\/+$/, '');
  if (method === 'GET' && path === 'metadata') return send(res, parts.fhir.metadata());

  const bearer = parts.auth.checkBearer(req.headers.authorization);
  if ('failure' in bearer) {
    const challenge = bearer.failure === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
    const text = bearer.failure === 'missing' ? 'Bearer token required' : `Bearer token ${bearer.failure}`;
    return send(res, fhirError(401, 'login', text, { 'www-authenticate': challenge }));
  }

  const raw = await readBody(req);
  const body = parseFhirBody(req, raw);
  if ('status' in body) return send(res, body);

  const fault = parts.faults.pick({ target: 'fhir', method, resourceType: path.split('/')[0] || undefined });
  await runWithFault(fault, { req, res, signal: parts.signal }, () =>
    parts.fhir.handle({ method, path, search: url.search, headers: req.headers, body: body.value }),
  );
}

function parseFhirBody(req: IncomingMessage, raw: Buffer): { value: unknown } | HttpResult {
  if (raw.length === 0) return { value: undefined };
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/(fhir\+)?json\b/.test(type)) {
    return fhirError(415, 'not-supported', 'Content-Type must be application/fhir+json');
  }
  try {
    return { value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return fhirError(400, 'structure', 'Body is not valid JSON');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
