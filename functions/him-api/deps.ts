import { LambdaClient } from '@aws-sdk/client-lambda';
import { createRemoteJWKSet } from 'jose';
import { LambdaDocumentSigner } from '../../shared/adapters/aws/lambda-document-signer.js';
import { LambdaReportRenderer } from '../../shared/adapters/aws/lambda-report-renderer.js';
import { LambdaRetentionRunner } from '../../shared/adapters/aws/lambda-retention-runner.js';
import { LambdaSealer } from '../../shared/adapters/aws/lambda-sealer.js';
import { SDK_CLIENT_DEFAULTS } from '../../shared/adapters/aws/sdk-client.js';
import { DigestKeyDocumentSigner } from '../../shared/adapters/crypto/document-signer.js';
import { DynamoErasureStore } from '../../shared/adapters/dynamodb/erasure-store.js';
import { DynamoLegalHolds } from '../../shared/adapters/dynamodb/legal-hold-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { DynamoPatientIndex } from '../../shared/adapters/dynamodb/patient-index.js';
import { PATIENT_KEY_TABLE } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { FileNagReport } from '../../shared/adapters/fs/file-nag-report.js';
import { integrityAdapters } from '../../shared/adapters/integrity.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import { AppError } from '../../shared/domain/errors.js';
import { inProcessRetention } from '../../shared/domain/retention/run.js';
import { inProcessSealer } from '../../shared/domain/seal/seal.js';
import type { DocumentSigner } from '../../shared/ports/document-signer.js';
import type { InfraCheckReport } from '../../shared/ports/infra-check-report.js';
import type { ReportRenderer } from '../../shared/ports/report-renderer.js';
import type { RetentionRunner } from '../../shared/ports/retention-runner.js';
import type { Sealer } from '../../shared/ports/sealer.js';
import { buildCellServices } from '../cell-services.js';
import { retentionDeps } from '../retention/deps.js';
import { tokenVerifier } from './auth.js';
import { HimEnv } from './env.js';
import { type HimHandler, makeHimHandler } from './handler-factory.js';
import { keyFacts } from './key-facts.js';

/** What the local runtime hands the HIM API that AWS keeps in another function. */
export interface LocalParts {
  /** The PDF renderer in process (pdf-lib would take the API's Lambda bundle past its size budget). */
  reports?: ReportRenderer;
  /** The cdk-nag report made by synthesising the cell from the checkout (in AWS it comes from the bundle). */
  infraChecks?: InfraCheckReport;
}

/** Where no renderer is wired (a bundle run outside AWS and the local stack): a PDF request answers 503. */
const NO_PDF_RENDERER: ReportRenderer = {
  render: async () => {
    throw new AppError('storage-unavailable', 'this HIM API has no PDF renderer configured');
  },
};

/** Where neither a bundled report nor a local one is wired: a pack answers 500 `nag-report-unavailable`. */
const NO_NAG_REPORT: InfraCheckReport = { read: async () => undefined };

/**
 * The HIM API's composition root: the cell's services, plus the token verifier,
 * the digest key and anchor, and the sealer (the digest function in AWS, in
 * process locally). Lambda calls it with process.env; the local runtime with the
 * function's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildHimHandler(raw: Env, local: LocalParts = {}): Promise<HimHandler> {
  const env = parseEnv(HimEnv, raw);
  const cell = await buildCellServices(env, 'him-api');
  const { ledger, audit, clock } = cell;
  const { signer, anchor } = await integrityAdapters(env, cell.cell, cell.region);
  const lambda = new LambdaClient({ ...SDK_CLIENT_DEFAULTS, region: cell.region });
  // Only the digest function may sign in AWS: the API asks it; locally the same use cases run here.
  const sealer: Sealer = env.DIGEST_FUNCTION_NAME
    ? new LambdaSealer(lambda, env.DIGEST_FUNCTION_NAME)
    : inProcessSealer({ signer, anchor, clock, chains: { ledger, audit } });
  const documents: DocumentSigner = env.DIGEST_FUNCTION_NAME
    ? new LambdaDocumentSigner(lambda, env.DIGEST_FUNCTION_NAME, () => signer.publicKeyPem())
    : new DigestKeyDocumentSigner(signer);
  // Only the retention function may delete in AWS: the API starts it; locally the sweep runs here.
  const retention: RetentionRunner = env.RETENTION_FUNCTION_NAME
    ? new LambdaRetentionRunner(lambda, env.RETENTION_FUNCTION_NAME)
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
      patientKeys: cell.patientKeys,
      patientKeyStore: {
        name: env.PATIENT_KEY_TABLE,
        // The local stack takes no backups of its key table; in AWS its PITR window is the only copy.
        backupWindowDays: env.KMS_KEY_ARN ? PATIENT_KEY_TABLE.recoveryDays : 0,
      },
      erasures: new DynamoErasureStore(cell.dynamo, cell.tableName),
      keyId: cell.key.id,
      keyRegion: cell.region,
      pseudonymizer: cell.pseudonymizer,
      clock,
      ids: cell.ids,
      documents,
      keys: await keyFacts(env, cell, signer.keyId),
      reports:
        local.reports ??
        (env.DOCUMENTS_FUNCTION_NAME
          ? new LambdaReportRenderer(lambda, env.DOCUMENTS_FUNCTION_NAME)
          : NO_PDF_RENDERER),
      infraChecks: env.NAG_REPORT_FILE
        ? new FileNagReport(env.NAG_REPORT_FILE)
        : (local.infraChecks ?? NO_NAG_REPORT),
    },
  });
}
