import type * as z from 'zod';
import type { HimRoleName } from '../../shared/domain/audit/entry.js';
import type { ErrorCode } from '../../shared/domain/errors.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { type HttpEvent, type HttpResult, jsonResult } from '../../shared/http/apigw.js';
import type { Principal } from './auth.js';
import { jsonBody } from './query.js';
import type { PathRoute } from './router.js';
import type { HimDeps } from './use-cases/context.js';
import { KeyInput, noteKeyOf, noteTarget } from './use-cases/notes.js';

/** One HIM request after authentication and routing. */
export interface HimRequest {
  deps: HimDeps;
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: HttpEvent;
  /**
   * Set by a PHI route once it knows whose record it read (a note's patient, a
   * disclosure's subject), as the keyed `pt_…` reference: recorded in the audit entry.
   */
  patientRef?: string;
}

/**
 * What the published OpenAPI says of a route beyond the table's method, path
 * and roles. Every part may be left out: the operation id, tag, path
 * parameters, a 200 answer and the problems of authentication, roles, input
 * and storage are derived from the route itself.
 */
export interface RouteDoc {
  /** Stable name for generated clients; `<method><Path>` when absent. */
  operationId?: string;
  summary?: string;
  /** The zod schemas the use case parses path parameters, query string and JSON body with. */
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success answer: status (200 when absent), JSON body schema, or the `media` types of another body. */
  response?: { status?: number; schema?: z.ZodType; media?: readonly string[] };
  /** Problems the use case itself answers with. */
  errors?: readonly ErrorCode[];
}

export interface HimRoute extends PathRoute {
  roles: readonly HimRoleName[];
  /** For the published OpenAPI only: no effect on serving. */
  doc?: RouteDoc;
  /** The audit action; absent only for `whoami`, the one call not audited. */
  action?: string;
  /** What the call acts on, for the audit entry: ids and filters, never PHI (a patient filter as its ref). */
  target(req: HimRequest): string;
  /** The purpose of use the call states, for the audit entry (PHI routes only). */
  purpose?(req: HimRequest): string | undefined;
  run(req: HimRequest): Promise<HttpResult>;
}

/** The HIM roles, short, as the route tables name them. */
export const R = 'him-reviewer';
export const P = 'privacy-officer';
export const A = 'integration-admin';
const FILTER_KEYS = [
  'from',
  'to',
  'kind',
  'decision',
  'corridor',
  'noteId',
  'state',
  'format',
  'actor',
  'role',
  'action',
  'target',
  'purpose',
  'outcome',
  'actionId',
];

/**
 * `ledger?kind=egress&patientRef=pt_…`: the filters of a query; a patient identifier
 * only as its keyed ref; control characters escaped (`\x1b`), so a value cannot
 * forge a line or steer the terminal of whoever reads the audit log.
 */
export function filterTarget(base: string, { deps, query }: HimRequest): string {
  const parts = FILTER_KEYS.filter((k) => query[k] !== undefined).map(
    (k) => `${k}=${escapeControl(query[k] ?? '')}`,
  );
  const patient = query.patient;
  if (patient?.includes('|')) {
    const bar = patient.indexOf('|');
    const ref = deps.pseudonymizer.patientRef([
      { system: patient.slice(0, bar), value: patient.slice(bar + 1) },
    ]);
    parts.push(`patientRef=${ref}`);
  } else if (patient !== undefined) parts.push('patient=(malformed)');
  return (parts.length ? `${base}?${parts.join('&')}` : base).slice(0, 512);
}

/** A route's answer: `work`'s value as JSON with `status`. */
export const json =
  (status: number, work: (req: HimRequest) => Promise<unknown>) =>
  async (req: HimRequest): Promise<HttpResult> =>
    jsonResult(status, await work(req));

/** A file to download: text, or bytes (sent base64-encoded, as API Gateway expects binary bodies). */
export interface DownloadFile {
  body: string | Uint8Array;
  contentType: string;
  filename: string;
}

/** A 200 answer that downloads `file` and is never cached. */
export const fileResult = (file: DownloadFile): HttpResult => ({
  statusCode: 200,
  headers: {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.filename}"`,
    'cache-control': 'no-store',
  },
  ...(typeof file.body === 'string'
    ? { body: file.body }
    : { body: Buffer.from(file.body).toString('base64'), isBase64Encoded: true }),
});

/**
 * The named string fields of a request's JSON body, for its audit target and purpose;
 * empty when the body is not a JSON object (the use case then refuses it).
 */
export function bodyFields(req: HimRequest, names: readonly string[]): Record<string, string | undefined> {
  let body: unknown;
  try {
    body = jsonBody(req.event);
  } catch {
    return {};
  }
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(
    names.map((n) => [n, typeof record[n] === 'string' ? (record[n] as string) : undefined]),
  );
}

/** The note a request's path (and `event` query) names, for the note and delivery routes. */
export const key = (req: HimRequest) => noteKeyOf(req.params, req.query.event);
export const NotePath = KeyInput.pick({ senderId: true, noteId: true, version: true });
export const NoteEvent = KeyInput.pick({ event: true });
/** A note route's audit target: the note's ids. */
export const target = (req: HimRequest) => escapeControl(noteTarget(req.params, req.query.event));
