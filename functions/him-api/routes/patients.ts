import { jsonBody } from '../query.js';
import * as Body from '../responses.js';
import { bodyFields, fileResult, filterTarget, type HimRoute, json, P } from '../route-kit.js';
import { disclosureCsv, disclosureLetter } from '../use-cases/disclosure-formats.js';
import { DisclosureRequest, disclosureReport } from '../use-cases/disclosures.js';
import { purposeOf } from '../use-cases/notes.js';

/** Patients' rights: disclosure accounting and subject access. */
export const PATIENT_ROUTES: readonly HimRoute[] = [
  {
    method: 'POST',
    path: 'disclosures',
    doc: {
      operationId: 'reportDisclosures',
      summary:
        'Disclosure accounting and subject access for one patient identifier and period, as JSON, CSV or a PDF letter (the identifier is sent in the body, never kept)',
      body: DisclosureRequest,
      response: { schema: Body.DisclosureReport, media: ['text/csv', 'application/pdf'] },
      errors: ['invalid-identifier', 'invalid-period', 'export-too-large'],
    },
    roles: [P],
    action: 'disclosures.report',
    // The identifier stays out: the audit entry names the patient by its keyed reference.
    target: (req) =>
      filterTarget('disclosures', { ...req, query: bodyFields(req, ['from', 'to', 'format']) }),
    purpose: (req) => purposeOf(bodyFields(req, ['purpose'])),
    run: async (req) => {
      const { request, report } = await disclosureReport(req.deps, jsonBody(req.event), (ref) => {
        req.patientRef = ref;
      });
      if (request.format === 'json') return json(200, async () => report)(req);
      const name = `disclosures-${report.cell}-${report.patientRef}-${report.generatedAt.slice(0, 10)}`;
      if (request.format === 'csv')
        return fileResult({
          body: disclosureCsv(report),
          contentType: 'text/csv; charset=utf-8',
          filename: `${name}.csv`,
        });
      const pdf = await req.deps.reports.render(disclosureLetter(report));
      return fileResult({ body: pdf, contentType: 'application/pdf', filename: `${name}.pdf` });
    },
  },
];
