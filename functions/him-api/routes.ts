import * as Body from './responses.js';
import { A, type HimRoute, json, P, R } from './route-kit.js';
import { AUDIT_ROUTES } from './routes/audit.js';
import { DELIVERY_ROUTES } from './routes/deliveries.js';
import { ERASURE_ROUTES } from './routes/erasures.js';
import { EVIDENCE_ROUTES } from './routes/evidence.js';
import { HOLD_ROUTES } from './routes/holds.js';
import { INTEGRITY_ROUTES } from './routes/integrity.js';
import { LEDGER_ROUTES } from './routes/ledger.js';
import { NOTE_ROUTES } from './routes/notes.js';
import { PATIENT_ROUTES } from './routes/patients.js';
import { RETENTION_ROUTES } from './routes/retention.js';
import { REVIEW_ROUTES } from './routes/reviews.js';

/** Every HIM API route (contract: the HIM API table), by feature; literal paths before parameterised ones. */
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
  ...LEDGER_ROUTES,
  ...INTEGRITY_ROUTES,
  ...DELIVERY_ROUTES,
  ...NOTE_ROUTES,
  ...PATIENT_ROUTES,
  ...REVIEW_ROUTES,
  ...AUDIT_ROUTES,
  ...ERASURE_ROUTES,
  ...EVIDENCE_ROUTES,
  ...HOLD_ROUTES,
  ...RETENTION_ROUTES,
];
