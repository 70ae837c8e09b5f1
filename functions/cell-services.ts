import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { SecretsManagerSource } from '../shared/adapters/aws/secrets-manager-source.js';
import { HmacPseudonymizer } from '../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../shared/adapters/crypto/pseudonym-key.js';
import { DynamoAuditLog } from '../shared/adapters/dynamodb/audit-log-store.js';
import { dynamoClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../shared/adapters/dynamodb/ledger-store.js';
import { FileSecretSource } from '../shared/adapters/fs/file-secret-source.js';
import type { BaseEnv, CellEnv } from '../shared/config/env.js';
import { loadPolicy } from '../shared/config/load-policy.js';
import type { Jurisdiction, ResidencyPolicy } from '../shared/domain/policy/model.js';
import { jurisdictionById } from '../shared/domain/policy/parse.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import { type IdGenerator, randomIds } from '../shared/ports/ids.js';
import type { SecretSource } from '../shared/ports/secret-source.js';

/** The functions of a cell (their Lambda names are `visitbridge-<cell>-<function>`). */
export type FunctionKind = 'ingest' | 'deliver' | 'him-api' | 'digest';

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

/** What the functions that read or write notes add: the cell's keys and where its secrets are. */
export interface CellServices extends CellCore {
  /** Files locally, Secrets Manager in AWS. */
  secrets: SecretSource;
  encryptor: EsdkNoteEncryptor;
  /** The note key (KMS key ARN, or `local:cell-<id>`) and its region, as ledger entries name it. */
  key: { id: string; region: string };
  pseudonymizer: HmacPseudonymizer;
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

/**
 * The cell's services for a function that handles notes: the core, the secret
 * source (files when the environment names key files, else Secrets Manager), the
 * note encryptor on the cell's key (KMS in AWS, a local key file created on first
 * start) and the pseudonymiser on the cell's own key.
 *
 * @throws Error when the policy, a key or a secret is unusable, before any request.
 */
export async function buildCellServices(env: CellEnv, fn: FunctionKind): Promise<CellServices> {
  const core = buildCellCore(env, fn);
  const secrets: SecretSource = env.LOCAL_KEY_FILE
    ? new FileSecretSource()
    : new SecretsManagerSource(core.region);
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ region: core.region }))
    : await localKeyring(env.CELL_ID, secrets, env.LOCAL_KEY_FILE ?? '');
  const pseudonymKey = await loadPseudonymKey(
    secrets,
    secretName(env.PSEUDONYM_KEY_FILE, env.PSEUDONYM_KEY_SECRET_ARN),
  );
  return {
    ...core,
    secrets,
    encryptor: new EsdkNoteEncryptor(keyring, keyId),
    key: { id: keyId, region: core.region },
    pseudonymizer: new HmacPseudonymizer(pseudonymKey),
  };
}

/** The one of a local/AWS pair the environment sets (the schemas check exactly one is). */
export const secretName = (local: string | undefined, aws: string | undefined): string => local ?? aws ?? '';
