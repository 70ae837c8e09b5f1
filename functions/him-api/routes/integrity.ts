import * as Body from '../responses.js';
import { A, type HimRoute, json, P, R } from '../route-kit.js';
import { listDigests, sealNow, verifyIntegrity } from '../use-cases/integrity.js';

/** Verify, seal and list one sealed chain's digests: the same three routes for the ledger and the audit log. */
function chainRoutes(
  chain: 'ledger' | 'audit',
  name: string,
  operationIds: { verify: string; seal: string; list: string },
): HimRoute[] {
  return [
    {
      method: 'GET',
      path: `${chain}/verify`,
      doc: {
        operationId: operationIds.verify,
        summary: `Verify ${name} against its anchored digest chain, failing closed`,
        response: { schema: Body.SealReport },
      },
      roles: [R, P],
      action: `${chain}.verify`,
      target: () => chain,
      run: json(200, ({ deps }) => verifyIntegrity(deps, chain)),
    },
    {
      method: 'POST',
      path: `${chain}/digest`,
      doc: {
        operationId: operationIds.seal,
        summary: `Seal ${name} now with a signed digest stored outside the table`,
        response: { status: 201, schema: Body.SealSummary },
        errors: ['seal-refused'],
      },
      roles: [P, A],
      action: `${chain}.digest`,
      target: () => chain,
      run: json(201, ({ deps }) => sealNow(deps, chain)),
    },
    {
      method: 'GET',
      path: `${chain}/digests`,
      doc: {
        operationId: operationIds.list,
        summary: `The ${chain} digest chain exactly as anchored, for offline verification`,
        response: { schema: Body.DigestObjects },
      },
      roles: [R, P],
      action: `${chain}.digests`,
      target: () => chain,
      run: json(200, ({ deps }) => listDigests(deps, chain)),
    },
  ];
}

/** Digest chains of the ledger and the audit log: verify, seal, list, the public key. */
export const INTEGRITY_ROUTES: readonly HimRoute[] = [
  {
    method: 'GET',
    path: 'integrity/verify',
    doc: {
      operationId: 'verifyIntegrity',
      summary: 'Verify the ledger and the audit log against their digest chains in one call, failing closed',
      response: { schema: Body.IntegrityReport },
    },
    roles: [R, P],
    action: 'integrity.verify',
    target: () => 'ledger+audit',
    run: json(200, async ({ deps }) => {
      const [ledger, audit] = await Promise.all([
        verifyIntegrity(deps, 'ledger'),
        verifyIntegrity(deps, 'audit'),
      ]);
      return { ledger, audit };
    }),
  },
  ...chainRoutes('ledger', 'the ledger', {
    verify: 'verifyLedger',
    seal: 'sealLedger',
    list: 'listLedgerDigests',
  }),
  ...chainRoutes('audit', 'the audit log', {
    verify: 'verifyAuditLog',
    seal: 'sealAuditLog',
    list: 'listAuditDigests',
  }),
  {
    method: 'GET',
    path: 'integrity/public-key',
    doc: {
      operationId: 'getDigestPublicKey',
      summary: 'The public key that verifies this cell’s digests',
      response: { schema: Body.DigestPublicKey },
    },
    roles: [R, P, A],
    action: 'integrity.public-key',
    target: () => 'digest-key',
    run: json(200, ({ deps }) => deps.integrity.publicKey()),
  },
];
