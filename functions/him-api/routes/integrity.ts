import * as Body from '../responses.js';
import { A, type HimRoute, json, P, R } from '../route-kit.js';
import { listDigests, sealNow, verifyIntegrity } from '../use-cases/integrity.js';

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
  {
    method: 'GET',
    path: 'ledger/verify',
    doc: {
      operationId: 'verifyLedger',
      summary: 'Verify the ledger against its anchored digest chain, failing closed',
      response: { schema: Body.SealReport },
    },
    roles: [R, P],
    action: 'ledger.verify',
    target: () => 'ledger',
    run: json(200, ({ deps }) => verifyIntegrity(deps, 'ledger')),
  },
  {
    method: 'POST',
    path: 'ledger/digest',
    doc: {
      operationId: 'sealLedger',
      summary: 'Seal the ledger now with a signed digest stored outside the table',
      response: { status: 201, schema: Body.SealSummary },
      errors: ['seal-refused'],
    },
    roles: [P, A],
    action: 'ledger.digest',
    target: () => 'ledger',
    run: json(201, ({ deps }) => sealNow(deps, 'ledger')),
  },
  {
    method: 'GET',
    path: 'ledger/digests',
    doc: {
      operationId: 'listLedgerDigests',
      summary: 'The ledger digest chain exactly as anchored, for offline verification',
      response: { schema: Body.DigestObjects },
    },
    roles: [R, P],
    action: 'ledger.digests',
    target: () => 'ledger',
    run: json(200, ({ deps }) => listDigests(deps, 'ledger')),
  },
  {
    method: 'GET',
    path: 'audit/verify',
    doc: {
      operationId: 'verifyAuditLog',
      summary: 'Verify the audit log against its anchored digest chain, failing closed',
      response: { schema: Body.SealReport },
    },
    roles: [R, P],
    action: 'audit.verify',
    target: () => 'audit',
    run: json(200, ({ deps }) => verifyIntegrity(deps, 'audit')),
  },
  {
    method: 'POST',
    path: 'audit/digest',
    doc: {
      operationId: 'sealAuditLog',
      summary: 'Seal the audit log now with a signed digest stored outside the table',
      response: { status: 201, schema: Body.SealSummary },
      errors: ['seal-refused'],
    },
    roles: [P, A],
    action: 'audit.digest',
    target: () => 'audit',
    run: json(201, ({ deps }) => sealNow(deps, 'audit')),
  },
  {
    method: 'GET',
    path: 'audit/digests',
    doc: {
      operationId: 'listAuditDigests',
      summary: 'The audit digest chain exactly as anchored, for offline verification',
      response: { schema: Body.DigestObjects },
    },
    roles: [R, P],
    action: 'audit.digests',
    target: () => 'audit',
    run: json(200, ({ deps }) => listDigests(deps, 'audit')),
  },
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
