/** The three Lambda functions of a cell. */
export type FunctionKind = 'ingest' | 'deliver' | 'him-api';

/** What each function runs and how it is sized; entries are relative to the repository root and export `handler`. */
export const FUNCTION_SPECS: Record<
  FunctionKind,
  { entry: string; memory: number; timeout: number; concurrency: number; what: string }
> = {
  ingest: {
    entry: 'functions/ingest/handler.ts',
    memory: 512,
    timeout: 10,
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
};

/** Where the policy file sits inside every bundle (copied there by the bundling hook). */
export const BUNDLED_POLICY_FILE = '/var/task/policy.json';

/** What a cell's functions need to know about the cell's resources; values may be CloudFormation tokens. */
export interface CellResources {
  cellId: string;
  tableName: string;
  /** Symmetric single-Region key that wraps note data keys. */
  keyArn: string;
  /** Asymmetric key that signs ledger digests. */
  ledgerSigningKeyArn: string;
  pseudonymKeySecretArn: string;
  smartPrivateKeySecretArn: string;
  /** `visitbridge/<cell>/senders/`: a sender's secret is `<prefix><senderId>`. */
  senderSecretsPrefix: string;
  /** Base URL of this cell's API, used in receipts. */
  publicBaseUrl: string;
  /** Every cell's public base URL, for 421 bodies and forwarding. */
  cellEndpoints: Record<string, string>;
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
  const common = {
    CELL_ID: cell.cellId,
    TABLE_NAME: cell.tableName,
    POLICY_FILE: BUNDLED_POLICY_FILE,
    KMS_KEY_ARN: cell.keyArn,
    PSEUDONYM_KEY_SECRET_ARN: cell.pseudonymKeySecretArn,
    PUBLIC_BASE_URL: cell.publicBaseUrl,
    CELL_ENDPOINTS: JSON.stringify(cell.cellEndpoints),
    POWERTOOLS_SERVICE_NAME: `visitbridge-${kind}`,
    LOG_LEVEL: cell.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
  switch (kind) {
    case 'ingest':
      return { ...common, SENDER_SECRETS_PREFIX: cell.senderSecretsPrefix };
    case 'deliver':
      return {
        ...common,
        SENDER_SECRETS_PREFIX: cell.senderSecretsPrefix,
        SMART_PRIVATE_KEY_SECRET_ARN: cell.smartPrivateKeySecretArn,
      };
    case 'him-api':
      return { ...common, LEDGER_SIGNING_KEY_ARN: cell.ledgerSigningKeyArn };
  }
}
