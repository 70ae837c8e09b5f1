import type * as z from 'zod';
import type { HimRoleName } from '../../shared/domain/audit/entry.js';
import { AppError, type ErrorCode } from '../../shared/domain/errors.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { type HttpEvent, type HttpResult, jsonResult } from '../../shared/http/apigw.js';
import type { Principal } from './auth.js';
import { jsonBody, parseInput } from './query.js';
import * as Body from './responses.js';
import type { PathRoute } from './router.js';
import { AuditQuery, listAudit } from './use-cases/audit.js';
import type { HimDeps } from './use-cases/context.js';
import { CorridorQuery, corridorSummary } from './use-cases/corridors.js';
import {
  ListQuery as DeliveriesQuery,
  getDelivery,
  listDeliveries,
  RangeBody,
  replayDelivery,
  replayRange,
} from './use-cases/deliveries.js';
import { listDigests, sealNow, verifyIntegrity } from './use-cases/integrity.js';
import { ExportQuery, exportLedger, LedgerQuery, listLedger } from './use-cases/ledger.js';
import { KeyInput, noteKeyOf, noteTarget, purposeOf, ViewQuery, viewNote } from './use-cases/notes.js';
import {
  MarkBody,
  markReviews,
  QueueQuery,
  RefPath,
  ResolveBody,
  resolveReview,
  reviewHistory,
  reviewQueue,
} from './use-cases/reviews.js';

/** One HIM request after authentication and routing. */
export interface HimRequest {
  deps: HimDeps;
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: HttpEvent;
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

const R = 'him-reviewer';
const P = 'privacy-officer';
const A = 'integration-admin';
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
];

/**
 * `ledger?kind=egress&patientRef=pt_…`: the filters of a query; a patient identifier
 * only as its keyed ref; control characters escaped (`\x1b`), so a value cannot
 * forge a line or steer the terminal of whoever reads the audit log.
 */
function filterTarget(base: string, { deps, query }: HimRequest): string {
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

/**
 * `ledger:0:12,0:13 -> flagged`: which entries a review call changes and to what (ids and a state, never
 * the comment); the body as sent, so a refused call is recorded too.
 */
function reviewTarget(req: HimRequest): string {
  let body: { refs?: unknown; state?: unknown } = {};
  try {
    const parsed = jsonBody(req.event);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    return 'ledger:(invalid body)';
  }
  const refs = Array.isArray(body.refs) ? body.refs.slice(0, 100).map(String).join(',') : '';
  return escapeControl(`ledger:${refs} -> ${String(body.state ?? '')}`);
}

const json =
  (status: number, work: (req: HimRequest) => Promise<unknown>) =>
  async (req: HimRequest): Promise<HttpResult> =>
    jsonResult(status, await work(req));

const key = (req: HimRequest) => noteKeyOf(req.params, req.query.event);
const NotePath = KeyInput.pick({ senderId: true, noteId: true, version: true });
const NoteEvent = KeyInput.pick({ event: true });
const target = (req: HimRequest) => escapeControl(noteTarget(req.params, req.query.event));

/** Every HIM API route (contract: the HIM API table), literal paths before parameterised ones. */
export const ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'whoami',
    doc: { operationId: 'whoAmI', summary: 'Who the token says you are', response: { schema: Body.WhoAmI } },
    roles: [R, P, A],
    target: () => 'self',
    run: json(200, async ({ deps, principal }) => ({
      user: principal.user,
      roles: principal.roles,
      cell: deps.cell,
      jurisdiction: deps.jurisdiction.name,
    })),
  },
  {
    method: 'GET',
    path: 'ledger',
    doc: {
      operationId: 'listLedgerEntries',
      summary: 'Transfers ledger entries, filtered, in time order (cursor pagination)',
      query: LedgerQuery,
      response: { schema: Body.LedgerPage },
    },
    roles: [R, P],
    action: 'ledger.list',
    target: (req) => filterTarget('ledger', req),
    run: json(200, ({ deps, query }) => listLedger(deps, query)),
  },
  {
    method: 'GET',
    path: 'ledger/export',
    doc: {
      operationId: 'exportLedger',
      summary: 'Export the filtered ledger as CSV or NDJSON (up to 5 MB)',
      query: ExportQuery,
      response: { media: ['text/csv', 'application/x-ndjson'] },
      errors: ['export-too-large'],
    },
    roles: [R, P],
    action: 'ledger.export',
    target: (req) => filterTarget('ledger/export', req),
    run: async ({ deps, query }) => {
      const out = await exportLedger(deps, query);
      return {
        statusCode: 200,
        headers: {
          'content-type': out.contentType,
          'content-disposition': `attachment; filename="${out.filename}"`,
          'cache-control': 'no-store',
        },
        body: out.body,
      };
    },
  },
  {
    method: 'GET',
    path: 'ledger/verify',
    doc: {
      operationId: 'verifyLedger',
      summary: 'Verify the ledger against its anchored digest chain, failing closed',
      response: { schema: Body.SealReport },
    },
    roles: [R, P],
    action: 'ledger.verify',
    target: () => 'ledger',
    run: json(200, ({ deps }) => verifyIntegrity(deps, 'ledger')),
  },
  {
    method: 'POST',
    path: 'ledger/digest',
    doc: {
      operationId: 'sealLedger',
      summary: 'Seal the ledger now with a signed digest stored outside the table',
      response: { status: 201, schema: Body.SealSummary },
      errors: ['seal-refused'],
    },
    roles: [P, A],
    action: 'ledger.digest',
    target: () => 'ledger',
    run: json(201, ({ deps }) => sealNow(deps, 'ledger')),
  },
  {
    method: 'GET',
    path: 'ledger/digests',
    doc: {
      operationId: 'listLedgerDigests',
      summary: 'The ledger digest chain exactly as anchored, for offline verification',
      response: { schema: Body.DigestObjects },
    },
    roles: [R, P],
    action: 'ledger.digests',
    target: () => 'ledger',
    run: json(200, ({ deps }) => listDigests(deps, 'ledger')),
  },
  {
    method: 'GET',
    path: 'corridors',
    doc: {
      operationId: 'summarizeCorridors',
      summary: 'Movements per day by corridor, kind, mechanism and decision (last 30 days by default)',
      query: CorridorQuery,
      response: { schema: Body.CorridorSummary },
    },
    roles: [R, P],
    action: 'corridors.summary',
    target: (req) => filterTarget('corridors', req),
    run: json(200, ({ deps, query }) => corridorSummary(deps, query)),
  },
  {
    method: 'GET',
    path: 'deliveries',
    doc: {
      operationId: 'listDeliveries',
      summary: 'Deliveries in one state, oldest first (cursor pagination)',
      query: DeliveriesQuery,
      response: { schema: Body.DeliveryPage },
    },
    roles: [R, P, A],
    action: 'deliveries.list',
    target: (req) => filterTarget('deliveries', req),
    run: json(200, ({ deps, query }) => listDeliveries(deps, query)),
  },
  {
    method: 'POST',
    path: 'deliveries/replay',
    doc: {
      operationId: 'replayParkedDeliveries',
      summary: 'Replay deliveries parked in a time range (dryRun counts them)',
      body: RangeBody,
      response: { schema: Body.ReplayRangeResult },
    },
    roles: [A],
    action: 'deliveries.replay-range',
    target: () => 'deliveries?state=parked',
    run: json(200, ({ deps, principal, event }) => replayRange(deps, principal, jsonBody(event))),
  },
  {
    method: 'GET',
    path: 'deliveries/{senderId}/{noteId}/{version}',
    doc: {
      operationId: 'getDelivery',
      summary: 'One delivery with its attempt history',
      path: NotePath,
      query: NoteEvent,
      response: { schema: Body.DeliveryDetail },
      errors: ['not-found'],
    },
    roles: [R, P, A],
    action: 'deliveries.get',
    target,
    run: json(200, (req) => getDelivery(req.deps, key(req))),
  },
  {
    method: 'POST',
    path: 'deliveries/{senderId}/{noteId}/{version}/replay',
    doc: {
      operationId: 'replayDelivery',
      summary: 'Replay one parked delivery (re-checks the residency policy)',
      path: NotePath,
      body: NoteEvent,
      response: { status: 202, schema: Body.Requeued },
      errors: ['not-found', 'not-parked', 'transfer-denied'],
    },
    roles: [A],
    action: 'deliveries.replay',
    target: (req) => escapeControl(noteTarget(req.params, eventOf(req.event))),
    run: json(202, (req) =>
      replayDelivery(req.deps, req.principal, noteKeyOf(req.params, replayEvent(req.event))),
    ),
  },
  {
    method: 'GET',
    path: 'notes/{senderId}/{noteId}/{version}',
    doc: {
      operationId: 'viewNote',
      summary: 'View a note (decrypts; writes a PHI-access audit entry)',
      path: NotePath,
      query: ViewQuery,
      response: { schema: Body.NoteView },
      errors: ['not-found', 'transfer-denied', 'viewer-country-unknown'],
    },
    roles: [P],
    action: 'notes.view',
    target,
    purpose: (req) => purposeOf(req.query),
    run: json(200, (req) => viewNote(req.deps, req.principal, key(req), req.query)),
  },
  {
    method: 'GET',
    path: 'reviews/queue',
    doc: {
      operationId: 'reviewQueue',
      summary: 'Movements to review, by review state, corridor, kind, mechanism and period, with counts',
      query: QueueQuery,
      response: { schema: Body.ReviewQueue },
    },
    roles: [R, P],
    action: 'reviews.queue',
    target: (req) => filterTarget('reviews/queue', req),
    run: json(200, ({ deps, query }) => reviewQueue(deps, query)),
  },
  {
    method: 'POST',
    path: 'reviews',
    doc: {
      operationId: 'markReviews',
      summary: 'Mark movements reviewed, flagged (reason required) or escalated, one or many',
      body: MarkBody,
      response: { schema: Body.Reviews },
      errors: ['not-found', 'review-conflict'],
    },
    roles: [R, P],
    action: 'reviews.mark',
    target: reviewTarget,
    run: json(200, ({ deps, principal, event }) => markReviews(deps, principal, jsonBody(event))),
  },
  {
    method: 'GET',
    path: 'reviews/{ref}',
    doc: {
      operationId: 'reviewHistory',
      summary: 'A movement with its review status and history',
      path: RefPath,
      response: { schema: Body.ReviewHistory },
      errors: ['not-found'],
    },
    roles: [R, P],
    action: 'reviews.history',
    target: (req) => `ledger:${escapeControl(req.params.ref ?? '')}`,
    run: json(200, ({ deps, params }) => reviewHistory(deps, parseInput(RefPath, params, 'path').ref)),
  },
  {
    method: 'POST',
    path: 'reviews/{ref}/resolve',
    doc: {
      operationId: 'resolveReview',
      summary: 'Resolve a flagged or escalated movement, with a note (privacy officer)',
      path: RefPath,
      body: ResolveBody,
      response: { schema: Body.ReviewStatus },
      errors: ['not-found', 'review-conflict'],
    },
    roles: [P],
    action: 'reviews.resolve',
    target: (req) => `ledger:${escapeControl(req.params.ref ?? '')} -> resolved`,
    run: json(200, ({ deps, principal, params, event }) =>
      resolveReview(deps, principal, parseInput(RefPath, params, 'path').ref, jsonBody(event)),
    ),
  },
  {
    method: 'GET',
    path: 'audit',
    doc: {
      operationId: 'listAuditEntries',
      summary: 'The HIM audit log in time order (cursor pagination)',
      query: AuditQuery,
      response: { schema: Body.AuditPage },
    },
    roles: [R, P],
    action: 'audit.list',
    target: (req) => filterTarget('audit', req),
    run: json(200, ({ deps, query }) => listAudit(deps, query)),
  },
  {
    method: 'GET',
    path: 'audit/verify',
    doc: {
      operationId: 'verifyAuditLog',
      summary: 'Verify the audit log against its anchored digest chain, failing closed',
      response: { schema: Body.SealReport },
    },
    roles: [R, P],
    action: 'audit.verify',
    target: () => 'audit',
    run: json(200, ({ deps }) => verifyIntegrity(deps, 'audit')),
  },
  {
    method: 'POST',
    path: 'audit/digest',
    doc: {
      operationId: 'sealAuditLog',
      summary: 'Seal the audit log now with a signed digest stored outside the table',
      response: { status: 201, schema: Body.SealSummary },
      errors: ['seal-refused'],
    },
    roles: [P, A],
    action: 'audit.digest',
    target: () => 'audit',
    run: json(201, ({ deps }) => sealNow(deps, 'audit')),
  },
  {
    method: 'GET',
    path: 'audit/digests',
    doc: {
      operationId: 'listAuditDigests',
      summary: 'The audit digest chain exactly as anchored, for offline verification',
      response: { schema: Body.DigestObjects },
    },
    roles: [R, P],
    action: 'audit.digests',
    target: () => 'audit',
    run: json(200, ({ deps }) => listDigests(deps, 'audit')),
  },
  {
    method: 'GET',
    path: 'integrity/public-key',
    doc: {
      operationId: 'getDigestPublicKey',
      summary: 'The public key that verifies this cell’s digests',
      response: { schema: Body.DigestPublicKey },
    },
    roles: [R, P, A],
    action: 'integrity.public-key',
    target: () => 'digest-key',
    run: json(200, ({ deps }) => deps.integrity.publicKey()),
  },
];

/**
 * The `event` of a replay body (`{"event": "retracted"}`), if any.
 *
 * @throws AppError('invalid-json') or AppError('invalid-query') for a bad body.
 */
function replayEvent(event: HttpEvent): string | undefined {
  const value = (jsonBody(event) as { event?: unknown } | null)?.event;
  if (value === undefined || typeof value === 'string') return value;
  throw new AppError('invalid-query', 'event must be finalized, amended or retracted');
}

/** The same, for the audit target: never throws. */
function eventOf(event: HttpEvent): string | undefined {
  try {
    const body = jsonBody(event) as { event?: unknown };
    return typeof body?.event === 'string' ? body.event : undefined;
  } catch {
    return undefined;
  }
}
