import { escapeControl } from '../../../shared/domain/text/escape-control.js';
import { jsonBody } from '../query.js';
import * as Body from '../responses-lifecycle.js';
import { filterTarget, type HimRequest, type HimRoute, json, P } from '../route-kit.js';
import {
  HoldPath,
  HoldsQuery,
  listHolds,
  PlaceHoldBody,
  placeHold,
  releaseHold,
} from '../use-cases/holds.js';

/** Legal holds: privacy officers only; every call audited. */
export const HOLD_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'holds',
    doc: {
      operationId: 'listHolds',
      summary: 'Legal holds of the cell, newest first, active and released',
      query: HoldsQuery,
      response: { schema: Body.HoldList },
    },
    roles: [P],
    action: 'holds.list',
    target: (req) => filterTarget('holds', req),
    run: json(200, ({ deps, query }) => listHolds(deps, query)),
  },
  {
    method: 'POST',
    path: 'holds',
    doc: {
      operationId: 'placeHold',
      summary: 'Place a legal hold on a patient or an organisation: nothing it covers is deleted or erased',
      body: PlaceHoldBody,
      response: { status: 201, schema: Body.LegalHold },
      errors: ['unknown-patient', 'unknown-organization'],
    },
    roles: [P],
    action: 'holds.place',
    target: placeTarget,
    run: json(201, ({ deps, principal, event }) => placeHold(deps, principal, jsonBody(event))),
  },
  {
    method: 'POST',
    path: 'holds/{holdId}/release',
    doc: {
      operationId: 'releaseHold',
      summary: 'Release a legal hold: what it covered falls under the retention schedule again',
      path: HoldPath,
      response: { schema: Body.LegalHold },
      errors: ['not-found', 'hold-already-released'],
    },
    roles: [P],
    action: 'holds.release',
    target: (req) => `hold:${escapeControl(req.params.holdId ?? '')} -> released`,
    run: json(200, ({ deps, principal, params }) => releaseHold(deps, principal, params)),
  },
];

/**
 * `holds:patient=pt_…` or `holds:organization=<id>`: what a placement covers, the patient as
 * the cell's keyed reference and never the reason (free text); a refused body is recorded too.
 */
function placeTarget({ deps, event }: HimRequest): string {
  let body: unknown;
  try {
    body = jsonBody(event);
  } catch {
    return 'holds:(invalid body)';
  }
  const parsed = PlaceHoldBody.safeParse(body);
  if (!parsed.success) return 'holds:(invalid body)';
  const input = parsed.data;
  return input.scope === 'patient'
    ? `holds:patient=${deps.pseudonymizer.patientRef([input.patient])}`
    : escapeControl(`holds:organization=${input.organization}`);
}
