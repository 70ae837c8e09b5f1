/** The Lambda functions of a cell. */
export type FunctionKind = 'ingest' | 'deliver' | 'him-api' | 'digest';

/** What each function runs and how it is sized; entries are relative to the repository root and export `handler`. */
export const FUNCTION_SPECS: Record<
  FunctionKind,
  { entry: string; memory: number; timeout: number; concurrency: number; what: string }
> = {
  ingest: {
    entry: 'functions/ingest/handler.ts',
    memory: 512,
    // Room for two forwarding attempts (FORWARD_TIMEOUT_MS each) and the note's own work, under API Gateway's 30 s.
    timeout: 15,
    concurrency: 20,
    what: 'webhook ingress',
  },
  deliver: {
    entry: 'functions/deliver/handler.ts',
    memory: 512,
    timeout: 60,
    concurrency: 5,
    what: 'delivery worker',
  },
  'him-api': {
    entry: 'functions/him-api/handler.ts',
    memory: 512,
    timeout: 29,
    concurrency: 5,
    what: 'HIM API',
  },
  digest: {
    entry: 'functions/digest/handler.ts',
    memory: 512,
    // Reads every new record of both chains since the last digest, one KMS Sign and one S3 put per chain.
    timeout: 120,
    // The schedule and on-demand seals; the domain retries when two take the same digest position.
    concurrency: 2,
    what: 'digest sealer',
  },
};

/** Where the policy file sits inside every bundle (copied there by the bundling hook). */
export const BUNDLED_POLICY_FILE = '/var/task/policy.json';

/** Time ingest waits for the home cell per forwarding attempt; two attempts fit in the ingest timeout. */
export const FORWARD_TIMEOUT_MS = 6_000;

/** How the HIM API checks bearer tokens (the API Gateway JWT authorizer checks the same issuer and audience). */
export interface HimTokenSettings {
  issuer: string;
  /** The one audience the function accepts in `aud` or `client_id` (Cognito: the app client id). */
  audience: string;
  jwksUrl: string;
  rolesClaim: string;
  /** Browser origins of the HIM consoles allowed to call the API. */
  corsOrigins: string[];
}

/** The JWKS URL of an OIDC issuer that publishes its keys at the conventional path (Cognito does). */
export const defaultJwksUrl = (issuer: string): string =>
  `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;

/** What a cell's functions need to know about the cell's resources; values may be CloudFormation tokens. */
export interface CellResources {
  cellId: string;
  tableName: string;
  /** Symmetric single-Region key that wraps note data keys. */
  keyArn: string;
  /** Asymmetric key (ECC_NIST_P256) that signs ledger and audit digests. */
  digestKeyArn: string;
  /** Object Lock bucket that anchors the digests. */
  digestBucketName: string;
  /** Minutes between scheduled digests. */
  digestIntervalMinutes: number;
  /** The digest function, which the HIM API invokes to seal on demand (unset while it is being defined). */
  digestFunctionName?: string;
  pseudonymKeySecretArn: string;
  /** Secret holding `{"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}`. */
  smartPrivateKeySecretArn: string;
  /** Secret holding the cell-to-cell forwarding secret(s), the same value in every cell. */
  forwardSecretArn: string;
  /** `visitbridge/<cell>/senders/`: a sender's secret is `<prefix><senderId>`. */
  senderSecretsPrefix: string;
  /** Base URL of this cell's API, used in receipts. */
  publicBaseUrl: string;
  /** Every cell's public base URL, for 421 bodies and forwarding. */
  cellEndpoints: Record<string, string>;
  /** EHR target endpoint overrides for the worker; empty means the policy's URLs. */
  ehrEndpoints: Record<string, { baseUrl: string; tokenUrl?: string }>;
  /** Public JWKS of the cell's SMART client, when the operator published it (context `smartPublicJwks`). */
  smartPublicJwks?: { keys: Array<Record<string, unknown>> };
  him: HimTokenSettings;
  logLevel: string;
}

/** Secrets Manager name prefix of a cell's sender secrets. */
export const senderSecretsPrefix = (cellId: string): string => `visitbridge/${cellId}/senders/`;

/**
 * The environment of one function, matching its zod schema in shared/config/env.ts.
 * This is the one place to add a variable. `AWS_REGION` is set by Lambda and not here.
 * Token URLs (an API's own endpoint) survive `JSON.stringify`: CloudFormation joins them in.
 */
export function functionEnvironment(kind: FunctionKind, cell: CellResources): Record<string, string> {
  const base = {
    CELL_ID: cell.cellId,
    TABLE_NAME: cell.tableName,
    POLICY_FILE: BUNDLED_POLICY_FILE,
    POWERTOOLS_SERVICE_NAME: `visitbridge-${kind}`,
    LOG_LEVEL: cell.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
  const common = {
    ...base,
    KMS_KEY_ARN: cell.keyArn,
    PSEUDONYM_KEY_SECRET_ARN: cell.pseudonymKeySecretArn,
    PUBLIC_BASE_URL: cell.publicBaseUrl,
    CELL_ENDPOINTS: JSON.stringify(cell.cellEndpoints),
  };
  const digests = { DIGEST_KEY_ARN: cell.digestKeyArn, DIGEST_BUCKET: cell.digestBucketName };
  switch (kind) {
    case 'digest':
      return { ...base, ...digests };
    case 'ingest':
      return {
        ...common,
        SENDER_SECRETS_PREFIX: cell.senderSecretsPrefix,
        FORWARD_SECRET_ARN: cell.forwardSecretArn,
        FORWARD_TIMEOUT_MS: String(FORWARD_TIMEOUT_MS),
        ...(cell.smartPublicJwks ? { SMART_PUBLIC_JWKS: JSON.stringify(cell.smartPublicJwks) } : {}),
      };
    case 'deliver':
      return {
        ...common,
        SENDER_SECRETS_PREFIX: cell.senderSecretsPrefix,
        SMART_PRIVATE_KEY_SECRET_ARN: cell.smartPrivateKeySecretArn,
        ...(Object.keys(cell.ehrEndpoints).length > 0
          ? { EHR_ENDPOINTS: JSON.stringify(cell.ehrEndpoints) }
          : {}),
      };
    case 'him-api':
      if (!cell.digestFunctionName) throw new Error('the HIM API needs the digest function defined first');
      return {
        ...common,
        ...digests,
        DIGEST_FUNCTION_NAME: cell.digestFunctionName,
        DIGEST_INTERVAL_MINUTES: String(cell.digestIntervalMinutes),
        HIM_ISSUER: cell.him.issuer,
        HIM_AUDIENCE: cell.him.audience,
        HIM_JWKS_URL: cell.him.jwksUrl,
        HIM_ROLES_CLAIM: cell.him.rolesClaim,
        HIM_CORS_ORIGINS: cell.him.corsOrigins.join(','),
      };
  }
}
