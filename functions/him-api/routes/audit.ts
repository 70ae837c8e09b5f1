import * as Body from '../responses.js';
import { filterTarget, type HimRoute, json, P, R } from '../route-kit.js';
import { AuditQuery, listAudit } from '../use-cases/audit.js';

/** The HIM audit log. */
export const AUDIT_ROUTES: readonly HimRoute[] = [
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
];
