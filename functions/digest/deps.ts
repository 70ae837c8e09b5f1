import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoAuditLog } from '../../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { integrityAdapters } from '../../shared/adapters/integrity.js';
import { DigestEnv, type Env, parseEnv } from '../../shared/config/env.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { jurisdictionById } from '../../shared/domain/policy/parse.js';
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
  const { signer, anchor } = await integrityAdapters(env, env.CELL_ID, region);
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
