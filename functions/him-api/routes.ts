import type { HimRoleName } from '../../shared/domain/audit/entry.js';
import { AppError } from '../../shared/domain/errors.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { type HttpEvent, type HttpResult, jsonResult } from '../../shared/http/apigw.js';
import type { Principal } from './auth.js';
import { jsonBody } from './query.js';
import type { PathRoute } from './router.js';
import { listAudit, verifyAudit } from './use-cases/audit.js';
import type { HimDeps } from './use-cases/context.js';
import { corridorSummary } from './use-cases/corridors.js';
import { getDelivery, listDeliveries, replayDelivery, replayRange } from './use-cases/deliveries.js';
import { exportLedger, listLedger, verifyLedgerReport, writeDigest } from './use-cases/ledger.js';
import { noteKeyOf, noteTarget, viewNote } from './use-cases/notes.js';

/** One HIM request after authentication and routing. */
export interface HimRequest {
  deps: HimDeps;
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: HttpEvent;
}

export interface HimRoute extends PathRoute {
  roles: readonly HimRoleName[];
  /** The audit action; absent only for `whoami`, the one call not audited. */
  action?: string;
  /** What the call acts on, for the audit entry: ids and filters, never PHI (a patient filter as its ref). */
  target(req: HimRequest): string;
  run(req: HimRequest): Promise<HttpResult>;
}

const R = 'him-reviewer';
const P = 'privacy-officer';
const A = 'integration-admin';
const FILTER_KEYS = ['from', 'to', 'kind', 'decision', 'corridor', 'noteId', 'state', 'format'];

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

const json =
  (status: number, work: (req: HimRequest) => Promise<unknown>) =>
  async (req: HimRequest): Promise<HttpResult> =>
    jsonResult(status, await work(req));

const key = (req: HimRequest) => noteKeyOf(req.params, req.query.event);
const target = (req: HimRequest) => escapeControl(noteTarget(req.params, req.query.event));

/** Every HIM API route (contract: the HIM API table), literal paths before parameterised ones. */
export const ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'whoami',
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
    roles: [R, P],
    action: 'ledger.list',
    target: (req) => filterTarget('ledger', req),
    run: json(200, ({ deps, query }) => listLedger(deps, query)),
  },
  {
    method: 'GET',
    path: 'ledger/export',
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
    roles: [R, P],
    action: 'ledger.verify',
    target: () => 'ledger',
    run: json(200, ({ deps }) => verifyLedgerReport(deps)),
  },
  {
    method: 'POST',
    path: 'ledger/digest',
    roles: [A],
    action: 'ledger.digest',
    target: () => 'ledger',
    run: json(200, ({ deps }) => writeDigest(deps)),
  },
  {
    method: 'GET',
    path: 'corridors',
    roles: [R, P],
    action: 'corridors.summary',
    target: (req) => filterTarget('corridors', req),
    run: json(200, ({ deps, query }) => corridorSummary(deps, query)),
  },
  {
    method: 'GET',
    path: 'deliveries',
    roles: [R, P, A],
    action: 'deliveries.list',
    target: (req) => filterTarget('deliveries', req),
    run: json(200, ({ deps, query }) => listDeliveries(deps, query)),
  },
  {
    method: 'POST',
    path: 'deliveries/replay',
    roles: [A],
    action: 'deliveries.replay-range',
    target: () => 'deliveries?state=parked',
    run: json(200, ({ deps, principal, event }) => replayRange(deps, principal, jsonBody(event))),
  },
  {
    method: 'GET',
    path: 'deliveries/{senderId}/{noteId}/{version}',
    roles: [R, P, A],
    action: 'deliveries.get',
    target,
    run: json(200, (req) => getDelivery(req.deps, key(req))),
  },
  {
    method: 'POST',
    path: 'deliveries/{senderId}/{noteId}/{version}/replay',
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
    roles: [P],
    action: 'notes.view',
    target,
    run: json(200, (req) => viewNote(req.deps, req.principal, key(req))),
  },
  {
    method: 'GET',
    path: 'audit',
    roles: [R, P],
    action: 'audit.list',
    target: (req) => filterTarget('audit', req),
    run: json(200, ({ deps, query }) => listAudit(deps, query)),
  },
  {
    method: 'GET',
    path: 'audit/verify',
    roles: [R, P],
    action: 'audit.verify',
    target: () => 'audit',
    run: json(200, ({ deps }) => verifyAudit(deps)),
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
