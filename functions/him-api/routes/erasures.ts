import { escapeControl } from '../../../shared/domain/text/escape-control.js';
import { jsonBody, parseInput } from '../query.js';
import * as Body from '../responses-lifecycle.js';
import { fileResult, type HimRequest, type HimRoute, json, P } from '../route-kit.js';
import { certificateReport } from '../use-cases/erasure-formats.js';
import {
  CertificateQuery,
  ErasureBody,
  ErasurePath,
  erasureCertificate,
  executeErasure,
  fileErasure,
  getErasure,
  patientRefOf,
} from '../use-cases/erasures.js';

/** The audit target of a request on one erasure: its id, escaped. */
const erasureTarget = (req: HimRequest) =>
  `erasure:${escapeControl(req.params.erasureId ?? '')}`.slice(0, 512);

/** The audit target of a new request: the patient's reference, never the identifier. */
function patientTarget({ deps, event }: HimRequest): string {
  try {
    const body = ErasureBody.safeParse(jsonBody(event));
    return body.success ? `patient:${patientRefOf(deps, body.data.patient)}` : 'patient:(malformed)';
  } catch {
    return 'patient:(malformed)';
  }
}

/** Erasure (GDPR Art. 17) by crypto-shredding: file and preview, execute, certificate. Privacy officers only. */
export const ERASURE_ROUTES: readonly HimRoute[] = [
  {
    method: 'POST',
    path: 'erasures',
    doc: {
      operationId: 'fileErasure',
      summary: 'File an erasure request for a patient and preview it (nothing is erased)',
      body: ErasureBody,
      response: { status: 201, schema: Body.Erasure },
      errors: ['unknown-patient'],
    },
    roles: [P],
    action: 'erasure.preview',
    target: patientTarget,
    run: json(201, async (req) => {
      const view = await fileErasure(req.deps, req.principal, jsonBody(req.event));
      req.patientRef = view.preview?.patientRef;
      return view;
    }),
  },
  {
    method: 'GET',
    path: 'erasures/{erasureId}',
    doc: {
      operationId: 'getErasure',
      summary: 'An erasure request, with a fresh preview until it is executed',
      path: ErasurePath,
      response: { schema: Body.Erasure },
      errors: ['not-found'],
    },
    roles: [P],
    action: 'erasure.view',
    target: erasureTarget,
    run: json(200, ({ deps, params }) => getErasure(deps, params)),
  },
  {
    method: 'POST',
    path: 'erasures/{erasureId}/execute',
    doc: {
      operationId: 'executeErasure',
      summary: "Execute a previewed erasure: destroy the patient's key, record it, sign a certificate",
      path: ErasurePath,
      response: { schema: Body.ErasureCertificate },
      errors: ['not-found', 'erasure-executed', 'erasure-not-previewed', 'erasure-blocked'],
    },
    roles: [P],
    action: 'erasure.execute',
    target: erasureTarget,
    run: json(200, ({ deps, principal, params }) => executeErasure(deps, principal, params)),
  },
  {
    method: 'GET',
    path: 'erasures/{erasureId}/certificate',
    doc: {
      operationId: 'erasureCertificate',
      summary: 'The signed erasure certificate (JSON, or PDF with format=pdf)',
      path: ErasurePath,
      query: CertificateQuery,
      response: { schema: Body.ErasureCertificate, media: ['application/pdf'] },
      errors: ['not-found'],
    },
    roles: [P],
    action: 'erasure.certificate',
    target: erasureTarget,
    run: async ({ deps, params, query }) => {
      const signed = await erasureCertificate(deps, params);
      const { format } = parseInput(CertificateQuery, query);
      const name = `erasure-certificate-${signed.certificate.cell}-${signed.certificate.erasureId}`;
      return format === 'pdf'
        ? fileResult({
            body: await deps.reports.render(certificateReport(signed)),
            contentType: 'application/pdf',
            filename: `${name}.pdf`,
          })
        : fileResult({
            body: JSON.stringify(signed),
            contentType: 'application/json',
            filename: `${name}.json`,
          });
    },
  },
];
