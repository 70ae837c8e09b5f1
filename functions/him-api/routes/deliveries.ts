import { AppError } from '../../../shared/domain/errors.js';
import { escapeControl } from '../../../shared/domain/text/escape-control.js';
import type { HttpEvent } from '../../../shared/http/apigw.js';
import { jsonBody } from '../query.js';
import * as Body from '../responses.js';
import {
  A,
  filterTarget,
  type HimRoute,
  json,
  key,
  NoteEvent,
  NotePath,
  P,
  R,
  target,
} from '../route-kit.js';
import {
  ListQuery as DeliveriesQuery,
  getDelivery,
  listDeliveries,
  RangeBody,
  replayDelivery,
  replayRange,
} from '../use-cases/deliveries.js';
import { noteKeyOf, noteTarget } from '../use-cases/notes.js';

/** Deliveries: list, one delivery, replays. */
export const DELIVERY_ROUTES: readonly HimRoute[] = [
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
      errors: ['not-found', 'not-parked', 'transfer-denied', 'note-expired'],
    },
    roles: [A],
    action: 'deliveries.replay',
    target: (req) => escapeControl(noteTarget(req.params, eventOf(req.event))),
    run: json(202, (req) =>
      replayDelivery(req.deps, req.principal, noteKeyOf(req.params, replayEvent(req.event))),
    ),
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
