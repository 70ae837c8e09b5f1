import { fileResult, filterTarget, type HimRoute, P, R } from '../route-kit.js';
import { EvidenceQuery } from '../use-cases/evidence.js';
import { evidencePack } from '../use-cases/evidence-pack.js';

/** An auditor's evidence pack. */
export const EVIDENCE_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'evidence',
    doc: {
      operationId: 'downloadEvidencePack',
      summary:
        'The evidence pack of this cell for a period: a zip of one folder with exports, a PDF report and a manifest signed with the digest key',
      query: EvidenceQuery,
      response: { media: ['application/zip'] },
      errors: ['invalid-period', 'export-too-large', 'nag-report-unavailable'],
    },
    roles: [R, P],
    action: 'evidence.pack',
    target: (req) => filterTarget('evidence', req),
    run: async ({ deps, query }) => fileResult(await evidencePack(deps, query)),
  },
];
