import { LambdaClient } from '@aws-sdk/client-lambda';
import { createRemoteJWKSet } from 'jose';
import { LambdaRetentionRunner } from '../../shared/adapters/aws/lambda-retention-runner.js';
import { LambdaSealer } from '../../shared/adapters/aws/lambda-sealer.js';
import { DynamoLegalHolds } from '../../shared/adapters/dynamodb/legal-hold-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoPatientIndex } from '../../shared/adapters/dynamodb/patient-index.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { integrityAdapters } from '../../shared/adapters/integrity.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import { inProcessRetention } from '../../shared/domain/retention/run.js';
import { inProcessSealer } from '../../shared/domain/seal/seal.js';
import type { RetentionRunner } from '../../shared/ports/retention-runner.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { buildCellServices } from '../cell-services.js';
import { retentionDeps } from '../retention/deps.js';
import { tokenVerifier } from './auth.js';
import { HimEnv } from './env.js';
import { type HimHandler, makeHimHandler } from './handler-factory.js';

/**
 * The HIM API's composition root: the cell's services, plus the token verifier,
 * the digest key and anchor, and the sealer (the digest function in AWS, in
 * process locally). Lambda calls it with process.env; the local runtime with the
 * function's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildHimHandler(raw: Env): Promise<HimHandler> {
  const env = parseEnv(HimEnv, raw);
  const cell = await buildCellServices(env, 'him-api');
  const { ledger, audit, clock } = cell;
  const { signer, anchor } = await integrityAdapters(env, cell.cell, cell.region);
  // Only the digest function may sign in AWS: the API asks it; locally the same use case runs here.
  const sealer: Sealer = env.DIGEST_FUNCTION_NAME
    ? new LambdaSealer(new LambdaClient({ region: cell.region }), env.DIGEST_FUNCTION_NAME)
    : inProcessSealer({ signer, anchor, clock, chains: { ledger, audit } });
  // Only the retention function may delete in AWS: the API starts it; locally the sweep runs here.
  const retention: RetentionRunner = env.RETENTION_FUNCTION_NAME
    ? new LambdaRetentionRunner(new LambdaClient({ region: cell.region }), env.RETENTION_FUNCTION_NAME)
    : inProcessRetention(retentionDeps(cell));
  return makeHimHandler({
    logger: cell.logger,
    corsOrigins: env.HIM_CORS_ORIGINS,
    verifyToken: tokenVerifier({
      issuer: env.HIM_ISSUER,
      audience: env.HIM_AUDIENCE,
      jwks: createRemoteJWKSet(new URL(env.HIM_JWKS_URL)),
      rolesClaim: env.HIM_ROLES_CLAIM,
    }),
    him: {
      cell: cell.cell,
      jurisdiction: cell.jurisdiction,
      policy: cell.policy,
      ledger,
      audit,
      integrity: {
        anchor,
        publicKey: async () => ({ keyId: signer.keyId, publicKeyPem: await signer.publicKeyPem() }),
        sealer,
        intervalMs: env.DIGEST_INTERVAL_MINUTES * 60_000,
      },
      outbox: new DynamoOutbox(cell.dynamo, cell.tableName),
      reviews: new DynamoReviewStore(cell.dynamo, cell.tableName),
      holds: new DynamoLegalHolds(cell.dynamo, cell.tableName),
      patients: new DynamoPatientIndex(cell.dynamo, cell.tableName),
      retention,
      encryptor: cell.encryptor,
      keyId: cell.key.id,
      keyRegion: cell.region,
      pseudonymizer: cell.pseudonymizer,
      clock,
      ids: cell.ids,
    },
  });
}
