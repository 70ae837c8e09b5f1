import { escapeControl } from '../../../shared/domain/text/escape-control.js';
import { jsonBody, parseInput } from '../query.js';
import * as Body from '../responses.js';
import { filterTarget, type HimRequest, type HimRoute, json, P, R } from '../route-kit.js';
import {
  MarkBody,
  markReviews,
  QueueQuery,
  RefPath,
  ResolveBody,
  resolveReview,
  reviewHistory,
  reviewQueue,
} from '../use-cases/reviews.js';

/** HIM review of movements: queue, marks, resolutions, history. */
export const REVIEW_ROUTES: readonly HimRoute[] = [
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
];

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
