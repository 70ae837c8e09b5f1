import { Logger } from '@aws-lambda-powertools/logger';
import { KMS } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet } from 'jose';
import { LambdaSealer } from '../../shared/adapters/aws/lambda-sealer.js';
import { HmacPseudonymizer } from '../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../../shared/adapters/crypto/pseudonym-key.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { integrityAdapters } from '../../shared/adapters/integrity.js';
import { type Env, HimEnv, parseEnv } from '../../shared/config/env.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { jurisdictionById } from '../../shared/domain/policy/parse.js';
import { inProcessSealer } from '../../shared/domain/seal/seal.js';
import { systemClock } from '../../shared/ports/clock.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { tokenVerifier } from './auth.js';
import { type HimHandler, makeHimHandler } from './handler-factory.js';

/**
 * The HIM API's composition root: parses its environment once and builds every
 * client and adapter. Lambda calls it with process.env; the local runtime with
 * one cell's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildHimHandler(raw: Env): Promise<HimHandler> {
  const env = parseEnv(HimEnv, raw);
  const policy = loadPolicy(env.POLICY_FILE);
  const jurisdiction = jurisdictionById(policy, env.CELL_ID);
  if (!jurisdiction) throw new Error(`cell "${env.CELL_ID}" is not a jurisdiction of the residency policy`);
  const region = env.AWS_REGION;
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ region }))
    : await localKeyring(env.CELL_ID, env.LOCAL_KEY_FILE ?? '');
  const pseudonymizer = new HmacPseudonymizer(
    await loadPseudonymKey(
      { file: env.PSEUDONYM_KEY_FILE, secretArn: env.PSEUDONYM_KEY_SECRET_ARN },
      () => new SecretsManagerClient({ region }),
    ),
  );
  const client = dynamoClient(region, env.DYNAMODB_ENDPOINT);
  const ledger = new DynamoLedgerStore({ client, tableName: env.TABLE_NAME, cellId: env.CELL_ID });
  const audit = new DynamoAuditLog({ client, tableName: env.TABLE_NAME, cellId: env.CELL_ID });
  const { signer, anchor } = await integrityAdapters(env, env.CELL_ID, region);
  // Only the digest function may sign in AWS: the API asks it; locally the same use case runs here.
  const sealer: Sealer = env.DIGEST_FUNCTION_NAME
    ? new LambdaSealer(new LambdaClient({ region }), env.DIGEST_FUNCTION_NAME)
    : inProcessSealer({ signer, anchor, clock: systemClock, chains: { ledger, audit } });
  const logger = new Logger({
    serviceName: 'visitbridge-him-api',
    logLevel: env.LOG_LEVEL,
    persistentKeys: { cell: env.CELL_ID },
  });
  return makeHimHandler({
    logger,
    corsOrigins: env.HIM_CORS_ORIGINS,
    verifyToken: tokenVerifier({
      issuer: env.HIM_ISSUER,
      audience: env.HIM_AUDIENCE,
      jwks: createRemoteJWKSet(new URL(env.HIM_JWKS_URL)),
      rolesClaim: env.HIM_ROLES_CLAIM,
    }),
    him: {
      cell: env.CELL_ID,
      jurisdiction,
      policy,
      ledger,
      audit,
      integrity: {
        anchor,
        publicKey: async () => ({ keyId: signer.keyId, publicKeyPem: await signer.publicKeyPem() }),
        sealer,
        intervalMs: env.DIGEST_INTERVAL_MINUTES * 60_000,
      },
      outbox: new DynamoOutbox(client, env.TABLE_NAME),
      encryptor: new EsdkNoteEncryptor(keyring, keyId),
      keyId,
      keyRegion: region,
      pseudonymizer,
      clock: systemClock,
    },
  });
}
