import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { KMS } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HmacPseudonymizer } from '../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../../shared/adapters/crypto/pseudonym-key.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import { FileSenderRegistry } from '../../shared/adapters/senders/file-sender-registry.js';
import { SecretsManagerSenderRegistry } from '../../shared/adapters/senders/secrets-manager-sender-registry.js';
import { type Env, IngestEnv, parseEnv } from '../../shared/config/env.js';
import { ResidencyPolicy } from '../../shared/config/policy.js';
import { systemClock } from '../../shared/ports/clock.js';
import { type HttpHandler, makeIngestHandler } from './handler-factory.js';
import { rejectMisrouted } from './misrouted.js';

/**
 * The ingest function's composition root: parses its environment once and builds
 * every client and adapter. Lambda calls it with process.env; the local runtime
 * with one cell's settings. An invalid environment throws before any request.
 */
export async function buildIngestHandler(raw: Env): Promise<HttpHandler> {
  const env = parseEnv(IngestEnv, raw);
  const policy = ResidencyPolicy.parse(JSON.parse(readFileSync(env.POLICY_FILE, 'utf8')));
  const region = env.AWS_REGION;
  let secrets: SecretsManagerClient | undefined;
  const sm = () => {
    secrets ??= new SecretsManagerClient({ region });
    return secrets;
  };
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ region }))
    : await localKeyring(env.CELL_ID, env.LOCAL_KEY_FILE ?? '');
  const pseudonymizer = new HmacPseudonymizer(
    await loadPseudonymKey({ file: env.PSEUDONYM_KEY_FILE, secretArn: env.PSEUDONYM_KEY_SECRET_ARN }, sm),
  );
  const logger = new Logger({
    serviceName: 'visitbridge-ingest',
    logLevel: (raw.LOG_LEVEL ?? 'INFO') as 'INFO',
    persistentKeys: { cell: env.CELL_ID },
  });
  const store = new DynamoNoteStore(dynamoClient(region, env.DYNAMODB_ENDPOINT), env.TABLE_NAME);
  const senders = env.SENDERS_FILE
    ? new FileSenderRegistry(env.SENDERS_FILE)
    : new SecretsManagerSenderRegistry(sm(), env.SENDER_SECRETS_PREFIX ?? '');
  const cellEndpoints = env.CELL_ENDPOINTS;
  return makeIngestHandler({
    logger,
    senders,
    maxBodyBytes: env.MAX_BODY_BYTES,
    ingest: {
      cell: env.CELL_ID,
      policy,
      store,
      encryptor: new EsdkNoteEncryptor(keyring, keyId),
      pseudonymizer,
      clock: systemClock,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      cellEndpoints,
      misrouted: rejectMisrouted(cellEndpoints),
      inboundMovements: () => [],
    },
  });
}
