import { Logger } from '@aws-lambda-powertools/logger';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DigestAnchor } from '../../shared/adapters/aws/s3-digest-anchor.js';
import { KmsDigestSigner } from '../../shared/adapters/crypto/digest-kms.js';
import { LocalDigestSigner } from '../../shared/adapters/crypto/digest-local.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { FileDigestAnchor } from '../../shared/adapters/fs/file-digest-anchor.js';
import { DigestEnv, type Env, parseEnv } from '../../shared/config/env.js';
import { jurisdictionById, loadPolicy } from '../../shared/config/load-policy.js';
import { systemClock } from '../../shared/ports/clock.js';
import { type DigestHandler, makeDigestHandler } from './handler-factory.js';

/**
 * The digest function's composition root: the cell's ledger and audit log, the
 * digest signer (KMS key in AWS, key file locally) and the anchor (Object Lock
 * bucket in AWS, append-only folder locally). Lambda calls it with process.env;
 * the local runtime with one cell's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildDigestHandler(raw: Env): Promise<DigestHandler> {
  const env = parseEnv(DigestEnv, raw);
  const policy = loadPolicy(env.POLICY_FILE);
  if (!jurisdictionById(policy, env.CELL_ID))
    throw new Error(`cell "${env.CELL_ID}" is not a jurisdiction of the residency policy`);
  const region = env.AWS_REGION;
  const client = dynamoClient(region, env.DYNAMODB_ENDPOINT);
  const table = { client, tableName: env.TABLE_NAME, cellId: env.CELL_ID };
  const signer = env.DIGEST_KEY_ARN
    ? new KmsDigestSigner(new KMSClient({ region }), env.DIGEST_KEY_ARN)
    : await LocalDigestSigner.fromKeyFile(env.DIGEST_KEY_FILE ?? '');
  const anchor = env.DIGEST_BUCKET
    ? new S3DigestAnchor({ client: new S3Client({ region }), bucket: env.DIGEST_BUCKET, cellId: env.CELL_ID })
    : new FileDigestAnchor(env.DIGEST_ANCHOR_DIR ?? '', env.CELL_ID);
  return makeDigestHandler({
    cell: env.CELL_ID,
    chains: { ledger: new DynamoLedgerStore(table), audit: new DynamoAuditLog(table) },
    signer,
    anchor,
    clock: systemClock,
    logger: new Logger({
      serviceName: 'visitbridge-digest',
      logLevel: env.LOG_LEVEL,
      persistentKeys: { cell: env.CELL_ID },
    }),
  });
}
