import { Logger } from '@aws-lambda-powertools/logger';
import { KMS, KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet } from 'jose';
import { HmacDigestSigner } from '../../shared/adapters/crypto/digest-hmac.js';
import { KmsDigestSigner } from '../../shared/adapters/crypto/digest-kms.js';
import { HmacPseudonymizer } from '../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../../shared/adapters/crypto/pseudonym-key.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { type Env, HimEnv, parseEnv } from '../../shared/config/env.js';
import { jurisdictionById, loadPolicy } from '../../shared/config/load-policy.js';
import { systemClock } from '../../shared/ports/clock.js';
import type { DigestSigner } from '../../shared/ports/digest-signer.js';
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
  const signer: DigestSigner = env.LEDGER_SIGNING_KEY_ARN
    ? new KmsDigestSigner(new KMSClient({ region }), env.LEDGER_SIGNING_KEY_ARN)
    : await HmacDigestSigner.fromKeyFile(env.LEDGER_DIGEST_KEY_FILE ?? '');
  const client = dynamoClient(region, env.DYNAMODB_ENDPOINT);
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
      ledger: new DynamoLedgerStore({ client, tableName: env.TABLE_NAME, cellId: env.CELL_ID }),
      signer,
      audit: new DynamoAuditLog({ client, tableName: env.TABLE_NAME, cellId: env.CELL_ID }),
      outbox: new DynamoOutbox(client, env.TABLE_NAME),
      encryptor: new EsdkNoteEncryptor(keyring, keyId),
      keyId,
      keyRegion: region,
      pseudonymizer,
      clock: systemClock,
    },
  });
}
