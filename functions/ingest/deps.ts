import { Logger } from '@aws-lambda-powertools/logger';
import { KMS } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HmacPseudonymizer } from '../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../../shared/adapters/crypto/pseudonym-key.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import { FileSenderRegistry } from '../../shared/adapters/senders/file-sender-registry.js';
import { SecretsManagerSenderRegistry } from '../../shared/adapters/senders/secrets-manager-sender-registry.js';
import { type Env, IngestEnv, parseEnv } from '../../shared/config/env.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { jurisdictionById } from '../../shared/domain/policy/parse.js';
import { type Clock, systemClock } from '../../shared/ports/clock.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';
import type { IngestDeps } from './accept-note.js';
import { forwardClient } from './forward-client.js';
import { forwardMisrouted } from './forward-misrouted.js';
import { loadForwardingSecrets } from './forwarding-secret.js';
import { type HttpHandler, makeIngestHandler } from './handler-factory.js';
import { inboundMovements } from './inbound-movements.js';
import { rejectMisrouted } from './misrouted.js';
import type { StageTimer } from './stage-timer.js';

/** What a test may replace in the production wiring. */
export interface IngestOverrides {
  /** Time for residency decisions and receipts (a test moves it past a mechanism's expiry). */
  clock?: Clock;
  /** The benchmark's per-stage timing hook; never set in production. */
  stageTimer?: StageTimer;
}

/**
 * The ingest function's composition root: parses its environment and the
 * residency policy once and builds every client and adapter. Lambda calls it
 * with process.env; the local runtime with one cell's settings.
 *
 * @throws Error (PolicyError naming the bad paths for the policy) when the
 *   environment, the policy or a key source is invalid, before any request.
 */
export async function buildIngestHandler(raw: Env, overrides: IngestOverrides = {}): Promise<HttpHandler> {
  const env = parseEnv(IngestEnv, raw);
  const policy = loadPolicy(env.POLICY_FILE);
  const jurisdiction = jurisdictionById(policy, env.CELL_ID);
  if (!jurisdiction) throw new Error(`CELL_ID "${env.CELL_ID}" is not a jurisdiction of ${env.POLICY_FILE}`);
  const region = env.AWS_REGION;
  let secrets: SecretsManagerClient | undefined;
  const sm = () => {
    secrets ??= new SecretsManagerClient({ region });
    return secrets;
  };
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ region }))
    : await localKeyring(env.CELL_ID, env.LOCAL_KEY_FILE ?? '');
  const key = { id: keyId, region };
  const pseudonymizer = new HmacPseudonymizer(
    await loadPseudonymKey({ file: env.PSEUDONYM_KEY_FILE, secretArn: env.PSEUDONYM_KEY_SECRET_ARN }, sm),
  );
  const forwardingSecrets = await loadForwardingSecrets(
    { file: env.FORWARD_SECRET_FILE, secretArn: env.FORWARD_SECRET_ARN },
    sm,
  );
  const logger = new Logger({
    serviceName: 'visitbridge-ingest',
    logLevel: (raw.LOG_LEVEL ?? 'INFO') as 'INFO',
    persistentKeys: { cell: env.CELL_ID },
  });
  const client = dynamoClient(region, env.DYNAMODB_ENDPOINT);
  const ledger = new DynamoLedgerStore({ client, tableName: env.TABLE_NAME, cellId: env.CELL_ID });
  const store = new DynamoNoteStore(client, env.TABLE_NAME, ledger);
  const senders = env.SENDERS_FILE
    ? new FileSenderRegistry(env.SENDERS_FILE)
    : new SecretsManagerSenderRegistry(sm(), env.SENDER_SECRETS_PREFIX ?? '');
  const cellEndpoints = env.CELL_ENDPOINTS;
  const reject = rejectMisrouted(cellEndpoints);
  const ingest: IngestDeps = {
    cell: env.CELL_ID,
    policy,
    store,
    encryptor: new EsdkNoteEncryptor(keyring, keyId),
    pseudonymizer,
    clock: overrides.clock ?? systemClock,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    cellEndpoints,
    misrouted:
      jurisdiction.misrouting === 'forward'
        ? forwardMisrouted({
            policy,
            cell: env.CELL_ID,
            cellEndpoints,
            ledger,
            key,
            bodyHash: (body) => pseudonymizer.hash('body', body),
            forward: forwardClient({
              secret: forwardingSecrets[0] as string,
              timeoutMs: env.FORWARD_TIMEOUT_MS,
            }),
          })
        : reject,
    inboundMovements: inboundMovements({ policy, ledger, key }),
  };
  // Any sender id is accepted on the forwarded route: only a cell holding the forwarding secret can sign.
  const forwardingSigner: SenderRegistry = {
    get: async (senderId) => ({ id: senderId, secrets: forwardingSecrets }),
  };
  return makeIngestHandler({
    logger,
    senders,
    maxBodyBytes: env.MAX_BODY_BYTES,
    ingest,
    // A forwarded note is never forwarded again: a disagreement about its home cell is a 421.
    forwarded: { senders: forwardingSigner, ingest: { ...ingest, misrouted: reject } },
    smartJwks: env.SMART_PUBLIC_JWKS,
    stageTimer: overrides.stageTimer,
  });
}
