import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAuditLog } from '../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../shared/adapters/dynamodb/ledger-store.js';
import type { BaseEnv } from '../shared/config/env.js';
import { loadPolicy } from '../shared/config/load-policy.js';
import type { Jurisdiction, ResidencyPolicy } from '../shared/domain/policy/model.js';
import { jurisdictionById } from '../shared/domain/policy/parse.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import { type IdGenerator, randomIds } from '../shared/ports/ids.js';

/** The functions of a cell (their Lambda names are `visitbridge-<cell>-<function>`). */
export type FunctionKind = 'ingest' | 'deliver' | 'him-api' | 'digest' | 'documents' | 'retention';

/** What every function of a cell works with: its policy, table, chains and logger. */
export interface CellCore {
  cell: string;
  jurisdiction: Jurisdiction;
  policy: ResidencyPolicy;
  region: string;
  dynamo: DynamoDBClient;
  tableName: string;
  ledger: DynamoLedgerStore;
  audit: DynamoAuditLog;
  clock: Clock;
  /** Transfer ids of the ledger entries the function records. */
  ids: IdGenerator;
  logger: Logger;
}

/**
 * The part of a cell every function builds the same way, once per cold start:
 * the policy (the cell must be one of its jurisdictions), the DynamoDB client,
 * the ledger and audit chains, the clock and a logger named after the function.
 *
 * @throws Error when the policy is invalid or does not name the cell.
 */
export function buildCellCore(env: BaseEnv, fn: FunctionKind): CellCore {
  const policy = loadPolicy(env.POLICY_FILE);
  const jurisdiction = jurisdictionById(policy, env.CELL_ID);
  if (!jurisdiction)
    throw new Error(
      `invalid configuration: CELL_ID "${env.CELL_ID}" is not a jurisdiction of ${env.POLICY_FILE}`,
    );
  const region = env.AWS_REGION;
  const dynamo = dynamoClient(region, env.DYNAMODB_ENDPOINT);
  const table = { client: dynamo, tableName: env.TABLE_NAME, cellId: env.CELL_ID };
  return {
    cell: env.CELL_ID,
    jurisdiction,
    policy,
    region,
    dynamo,
    tableName: env.TABLE_NAME,
    ledger: new DynamoLedgerStore(table),
    audit: new DynamoAuditLog(table),
    clock: systemClock,
    ids: randomIds,
    logger: new Logger({
      serviceName: `visitbridge-${fn}`,
      logLevel: env.LOG_LEVEL,
      persistentKeys: { cell: env.CELL_ID },
    }),
  };
}
