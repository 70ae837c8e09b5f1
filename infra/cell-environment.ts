import { join } from 'node:path';
import type { FunctionKind } from '../functions/cell-core.js';
import { NAG_REPORT_FILE } from '../shared/domain/evidence/nag-report.js';

export type { FunctionKind };

/** Where the policy file sits inside every Lambda bundle (copied there by the bundling hook). */
export const BUNDLED_POLICY_FILE = '/var/task/policy.json';

/** Where the cell's cdk-nag report sits inside the HIM API bundle (copied there by its bundling hook). */
export const BUNDLED_NAG_REPORT_FILE = `/var/task/${NAG_REPORT_FILE}`;

/** Time ingest waits for the home cell per forwarding attempt; two attempts fit in the ingest timeout. */
export const FORWARD_TIMEOUT_MS = 6_000;

/** How the HIM API checks bearer tokens (in AWS the API Gateway JWT authorizer checks the same issuer and audience). */
export interface HimTokenSettings {
  issuer: string;
  /** The one audience the function accepts in `aud` or `client_id` (Cognito: the app client id). */
  audience: string;
  jwksUrl: string;
  rolesClaim: string;
  /** Browser origins of the HIM consoles allowed to call the API. */
  corsOrigins: string[];
}

/** A cell's keys and secrets in AWS: the stateful stack's resources (values may be CloudFormation tokens). */
export interface AwsCellStore {
  runtime: 'aws';
  /** Symmetric single-Region key that wraps note data keys. */
  keyArn: string;
  /** Asymmetric key (ECC_NIST_P256) that signs ledger and audit digests. */
  digestKeyArn: string;
  /** Object Lock bucket that anchors the digests. */
  digestBucketName: string;
  /** The digest function, which the HIM API invokes to seal on demand (unset while it is being defined). */
  digestFunctionName?: string;
  /** The documents function, which the HIM API invokes to render PDFs (unset while it is being defined). */
  documentsFunctionName?: string;
  /** The retention function, which the HIM API starts on a privacy officer's request (unset while it is being defined). */
  retentionFunctionName?: string;
  pseudonymKeySecretArn: string;
  /** Secret holding `{"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}`. */
  smartPrivateKeySecretArn: string;
  /** Secret holding the cell-to-cell forwarding secret(s), the same value in every cell. */
  forwardSecretArn: string;
  /** `visitbridge/<cell>/senders/`: a sender's secret is `<prefix><senderId>`. */
  senderSecretsPrefix: string;
}

/** A cell's keys and secrets in the local runtime: files under the data folder, DynamoDB Local. */
export interface LocalCellStore {
  runtime: 'local';
  /** The region the cell stands for (Lambda sets AWS_REGION itself). */
  region: string;
  policyFile: string;
  dynamoEndpoint: string;
  /** Key files, created on first start by the function that reads each. */
  keysDir: string;
  /** The append-only folder of digest chains. */
  anchorDir: string;
  sendersFile: string;
}

/** What a cell's functions need to know about the cell, in AWS or locally. */
export interface CellResources {
  cellId: string;
  tableName: string;
  /** The patient key table beside it (per-patient keys for crypto-shredding). */
  patientKeyTableName: string;
  /** Base URL of this cell's API, used in receipts. */
  publicBaseUrl: string;
  /** Every cell's public base URL, for 421 bodies and forwarding. */
  cellEndpoints: Record<string, string>;
  /** EHR target endpoint overrides for the worker; empty means the policy's URLs. */
  ehrEndpoints: Record<string, { baseUrl: string; tokenUrl?: string }>;
  /** Time the worker waits for an EHR per request (the function's default when unset). */
  ehrTimeoutMs?: number;
  /** Public JWKS of the cell's SMART client (AWS: context `smartPublicJwks`; locally: from its key file). */
  smartPublicJwks?: { keys: Array<Record<string, unknown>> };
  him: HimTokenSettings;
  /** Minutes between scheduled digests. */
  digestIntervalMinutes: number;
  logLevel: string;
  store: AwsCellStore | LocalCellStore;
}

/** Secrets Manager name prefix of a cell's sender secrets. */
export const senderSecretsPrefix = (cellId: string): string => `visitbridge/${cellId}/senders/`;

/** Where `localKeyFiles` puts each key. */
export type LocalKeyFiles = ReturnType<typeof localKeyFiles>;

/** The local key and secret files of a cell. */
export function localKeyFiles(cellId: string, store: Pick<LocalCellStore, 'keysDir'>) {
  const file = (name: string) => join(store.keysDir, name);
  return {
    wrappingKey: file(`${cellId}.wrapping.key`),
    pseudonymKey: file(`${cellId}.pseudonym.key`),
    // Cell-to-cell forwarding credential: one per local deployment.
    forwardSecret: file('forwarding.secret'),
    smartKeys: file(`${cellId}.smart-client.json`),
    digestKey: file(`${cellId}.digest.pem`),
  };
}

/**
 * The environment of one function of a cell, matching the function's schema
 * (functions/<function>/env.ts): the one place to add a variable, for CDK and the
 * local runtime alike. In AWS, keys and secrets are named by ARN and Lambda sets
 * `AWS_REGION`; locally they are files and the region and endpoints are set here.
 * Token URLs (an API's own endpoint) survive `JSON.stringify`: CloudFormation joins them in.
 */
export function functionEnvironment(kind: FunctionKind, cell: CellResources): Record<string, string> {
  const { store } = cell;
  /** The local or the AWS form of some variables, as the cell runs. */
  const pick = (
    local: (files: LocalKeyFiles, store: LocalCellStore) => Record<string, string>,
    aws: (store: AwsCellStore) => Record<string, string>,
  ) => (store.runtime === 'local' ? local(localKeyFiles(cell.cellId, store), store) : aws(store));

  const base = {
    CELL_ID: cell.cellId,
    TABLE_NAME: cell.tableName,
    LOG_LEVEL: cell.logLevel,
    ...(store.runtime === 'local'
      ? { POLICY_FILE: store.policyFile, AWS_REGION: store.region, DYNAMODB_ENDPOINT: store.dynamoEndpoint }
      : {
          POLICY_FILE: BUNDLED_POLICY_FILE,
          POWERTOOLS_SERVICE_NAME: `visitbridge-${kind}`,
          NODE_OPTIONS: '--enable-source-maps',
        }),
  };
  const notes = {
    ...base,
    ...pick(
      (f) => ({ LOCAL_KEY_FILE: f.wrappingKey, PSEUDONYM_KEY_FILE: f.pseudonymKey }),
      (s) => ({ KMS_KEY_ARN: s.keyArn, PSEUDONYM_KEY_SECRET_ARN: s.pseudonymKeySecretArn }),
    ),
    PATIENT_KEY_TABLE: cell.patientKeyTableName,
    PUBLIC_BASE_URL: cell.publicBaseUrl,
    CELL_ENDPOINTS: JSON.stringify(cell.cellEndpoints),
  };
  const senders = pick(
    (_, local) => ({ SENDERS_FILE: local.sendersFile }),
    (s) => ({ SENDER_SECRETS_PREFIX: s.senderSecretsPrefix }),
  );
  const digests = {
    ...pick(
      (f, local) => ({ DIGEST_KEY_FILE: f.digestKey, DIGEST_ANCHOR_DIR: local.anchorDir }),
      (s) => ({ DIGEST_KEY_ARN: s.digestKeyArn, DIGEST_BUCKET: s.digestBucketName }),
    ),
    DIGEST_INTERVAL_MINUTES: String(cell.digestIntervalMinutes),
  };
  switch (kind) {
    case 'digest':
      return { ...base, ...digests };
    case 'documents':
    case 'retention':
      return base;
    case 'ingest':
      return {
        ...notes,
        ...senders,
        ...pick(
          (f) => ({ FORWARD_SECRET_FILE: f.forwardSecret }),
          (s) => ({ FORWARD_SECRET_ARN: s.forwardSecretArn }),
        ),
        FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS),
        ...(cell.smartPublicJwks ? { SMART_PUBLIC_JWKS: JSON.stringify(cell.smartPublicJwks) } : {}),
      };
    case 'deliver':
      return {
        ...notes,
        ...senders,
        ...pick(
          // The local stack runs its own callback receivers on loopback.
          (f) => ({ SMART_KEY_FILE: f.smartKeys, CALLBACK_ALLOW_LOOPBACK_HTTP: 'true' }),
          (s) => ({ SMART_PRIVATE_KEY_SECRET_ARN: s.smartPrivateKeySecretArn }),
        ),
        ...(Object.keys(cell.ehrEndpoints).length > 0
          ? { EHR_ENDPOINTS: JSON.stringify(cell.ehrEndpoints) }
          : {}),
        ...(cell.ehrTimeoutMs ? { EHR_TIMEOUT_MS: String(cell.ehrTimeoutMs) } : {}),
      };
    case 'him-api':
      return {
        ...notes,
        ...digests,
        ...pick(
          () => ({}),
          (s) => {
            if (!s.digestFunctionName || !s.documentsFunctionName || !s.retentionFunctionName)
              throw new Error(
                'the HIM API needs the digest, documents and retention functions defined first',
              );
            return {
              DIGEST_FUNCTION_NAME: s.digestFunctionName,
              DOCUMENTS_FUNCTION_NAME: s.documentsFunctionName,
              RETENTION_FUNCTION_NAME: s.retentionFunctionName,
              NAG_REPORT_FILE: BUNDLED_NAG_REPORT_FILE,
            };
          },
        ),
        HIM_ISSUER: cell.him.issuer,
        HIM_AUDIENCE: cell.him.audience,
        HIM_JWKS_URL: cell.him.jwksUrl,
        HIM_ROLES_CLAIM: cell.him.rolesClaim,
        ...(cell.him.corsOrigins.length > 0 ? { HIM_CORS_ORIGINS: cell.him.corsOrigins.join(',') } : {}),
      };
  }
}
