import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type CryptoKey, createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { tokenVerifier } from '../../../functions/him-api/auth.js';
import { makeHimHandler } from '../../../functions/him-api/handler-factory.js';
import type { HimDeps } from '../../../functions/him-api/use-cases/context.js';
import { localContext } from '../../../infra/local/api-gateway.js';
import { DEFAULT_POLICY_FILE } from '../../../infra/local/settings.js';
import { LocalDigestSigner } from '../../../shared/adapters/crypto/digest-local.js';
import { DigestKeyDocumentSigner } from '../../../shared/adapters/crypto/document-signer.js';
import { HmacPseudonymizer } from '../../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { localKeyring } from '../../../shared/adapters/crypto/keyrings.js';
import { DynamoAuditLog } from '../../../shared/adapters/dynamodb/audit-log-store.js';
import { DynamoErasureStore } from '../../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoLegalHolds } from '../../../shared/adapters/dynamodb/legal-hold-store.js';
import { DynamoOutbox } from '../../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoPatientIndex } from '../../../shared/adapters/dynamodb/patient-index.js';
import { patientKeyTableName } from '../../../shared/adapters/dynamodb/patient-key-table.js';
import { DynamoRetentionStore } from '../../../shared/adapters/dynamodb/retention-store.js';
import { DynamoReviewStore } from '../../../shared/adapters/dynamodb/review-store.js';
import { FileDigestAnchor } from '../../../shared/adapters/fs/file-digest-anchor.js';
import { FileSecretSource } from '../../../shared/adapters/fs/file-secret-source.js';
import { inProcessReports } from '../../../shared/adapters/pdf/report-pdf.js';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import { jurisdictionById } from '../../../shared/domain/policy/parse.js';
import { inProcessRetention } from '../../../shared/domain/retention/run.js';
import { inProcessSealer } from '../../../shared/domain/seal/seal.js';
import type { HttpEvent } from '../../../shared/http/apigw.js';
import { randomIds } from '../../../shared/ports/ids.js';
import { createTestTable, testDynamoClient, testEncryptor } from '../../helpers/dynamo.js';

export const ISSUER = 'https://issuer.test/pool';
export const AUDIENCE = 'visitbridge-him';

/** Signs HIM tokens; `iss`, `aud`, `sub` and expiry can be overridden to break one thing at a time. */
export async function tokenFactory() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
  const sign = (
    claims: Record<string, unknown>,
    o: { key?: CryptoKey; iss?: string; aud?: string; sub?: string; exp?: number | string | null } = {},
  ) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? AUDIENCE)
      .setSubject(o.sub ?? 'alice')
      .setIssuedAt();
    // `exp: null` leaves the expiry out, to show such a token is refused.
    return (o.exp === null ? jwt : jwt.setExpirationTime(o.exp ?? '10m')).sign(o.key ?? privateKey);
  };
  return {
    jwks,
    sign,
    forRoles: (roles: string[], country?: string) =>
      sign({ 'cognito:groups': roles, ...(country ? { 'custom:country': country } : {}) }),
  };
}

/** The HIM handler for the `uk` cell with real adapters on a fresh DynamoDB Local table. */
export async function himFixture(logLevel: 'SILENT' | 'INFO' = 'SILENT') {
  const client = testDynamoClient();
  const tableName = await createTestTable(client, 'him');
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const dir = await mkdtemp(join(tmpdir(), 'vb-him-'));
  const { keyring, keyId } = await localKeyring('uk', new FileSecretSource(), join(dir, 'uk.key'));
  const tokens = await tokenFactory();
  const ledger = new DynamoLedgerStore({ client, tableName, cellId: 'uk' });
  const audit = new DynamoAuditLog({ client, tableName, cellId: 'uk' });
  const signer = await LocalDigestSigner.fromKeyFile(join(dir, 'uk.digest.pem'));
  const anchor = new FileDigestAnchor(join(dir, 'anchor'), 'uk');
  const clock = { now: () => new Date() };
  const { encryptor, patientKeys, patientKeyTable } = await testEncryptor(client, tableName, {
    id: 'uk',
    keyring,
    keyId,
  });
  const holds = new DynamoLegalHolds(client, tableName);
  const jurisdiction = jurisdictionById(policy, 'uk') as NonNullable<ReturnType<typeof jurisdictionById>>;
  const deps: HimDeps = {
    reviews: new DynamoReviewStore(client, tableName),
    ids: randomIds,
    cell: 'uk',
    jurisdiction,
    policy,
    ledger,
    audit,
    integrity: {
      anchor,
      publicKey: async () => ({ keyId: signer.keyId, publicKeyPem: await signer.publicKeyPem() }),
      sealer: inProcessSealer({ signer, anchor, clock, chains: { ledger, audit } }),
      intervalMs: 5 * 60_000,
    },
    outbox: new DynamoOutbox(client, tableName),
    encryptor,
    patientKeys,
    patientKeyStore: { name: patientKeyTableName(tableName), backupWindowDays: 0 },
    erasures: new DynamoErasureStore(client, tableName),
    holds,
    patients: new DynamoPatientIndex(client, tableName),
    retention: inProcessRetention({
      cell: 'uk',
      days: jurisdiction.retention.days,
      store: new DynamoRetentionStore(client, tableName),
      patientIndex: new DynamoPatientIndex(client, tableName),
      holds,
      audit,
      clock,
    }),
    keyId,
    keyRegion: 'eu-west-2',
    pseudonymizer: new HmacPseudonymizer(Buffer.alloc(32, 9)),
    clock,
    documents: new DigestKeyDocumentSigner(signer),
    reports: inProcessReports,
    // No cdk-nag report here: a pack asked of this fixture answers nag-report-unavailable.
    infraChecks: { read: async () => undefined },
    keys: {
      note: { id: keyId, region: 'eu-west-2', kind: 'local AES-256 key file', rotation: 'none' },
      digest: { id: signer.keyId, region: 'eu-west-2', kind: 'local EC P-256 key file', rotation: 'none' },
    },
  };
  const handler = makeHimHandler({
    him: deps,
    logger: new Logger({ serviceName: 'him-test', logLevel }),
    corsOrigins: ['https://console.test'],
    verifyToken: tokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: createLocalJWKSet(tokens.jwks),
      rolesClaim: 'cognito:groups',
    }),
  });
  const context: Context = localContext('him-test');
  const call = (
    method: string,
    path: string,
    o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => handler(httpEvent(method, path, o), context);
  return {
    client,
    tableName,
    deps,
    tokens,
    handler,
    call,
    patientKeys,
    patientKeyTable,
    signer,
  };
}

/** An HTTP API v2 event for `ANY /v1/him/{proxy+}`. */
export function httpEvent(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): HttpEvent {
  const [proxy = '', query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  return {
    version: '2.0',
    routeKey: 'ANY /v1/him/{proxy+}',
    rawPath: `/v1/him/${proxy}`,
    rawQueryString: query,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
    queryStringParameters: query ? Object.fromEntries(params) : undefined,
    pathParameters: { proxy },
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method,
        path: `/v1/him/${proxy}`,
        protocol: 'HTTP/1.1',
        sourceIp: '198.51.100.7',
        userAgent: 'jest',
      },
      requestId: 'req-1',
      routeKey: 'ANY /v1/him/{proxy+}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    isBase64Encoded: false,
  };
}
