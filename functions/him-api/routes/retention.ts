import * as Body from '../responses-lifecycle.js';
import { filterTarget, type HimRoute, json, P, R } from '../route-kit.js';
import { listRuns, RunsQuery, requestRun } from '../use-cases/retention.js';

/** Retention: the reports of past runs, and a run on request. */
export const RETENTION_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'retention/runs',
    doc: {
      operationId: 'listRetentionRuns',
      summary: 'Reports of the last retention runs, newest first: counts by record class, no patient data',
      query: RunsQuery,
      response: { schema: Body.RetentionRuns },
    },
    roles: [R, P],
    action: 'retention.runs',
    target: (req) => filterTarget('retention/runs', req),
    run: json(200, ({ deps, query }) => listRuns(deps, query)),
  },
  {
    method: 'POST',
    path: 'retention/run',
    doc: {
      operationId: 'runRetention',
      summary: 'Start a retention run now (privacy officer); its report joins retention/runs when it ends',
      response: { status: 202, schema: Body.RetentionRequested },
    },
    roles: [P],
    action: 'retention.request',
    target: () => 'retention',
    run: json(202, ({ deps, principal }) => requestRun(deps, principal)),
  },
];
