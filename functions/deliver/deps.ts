import { Logger } from '@aws-lambda-powertools/logger';
import { KMS } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HmacPseudonymizer } from '../../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { loadPseudonymKey } from '../../shared/adapters/crypto/pseudonym-key.js';
import { DynamoCallbackOutbox } from '../../shared/adapters/dynamodb/callback-store.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { FhirEhrClient } from '../../shared/adapters/fhir/fhir-client.js';
import { FileSenderRegistry } from '../../shared/adapters/senders/file-sender-registry.js';
import { SecretsManagerSenderRegistry } from '../../shared/adapters/senders/secrets-manager-sender-registry.js';
import type { SigningAlg } from '../../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../../shared/adapters/smart/smart-client.js';
import { DeliverEnv, type Env, parseEnv } from '../../shared/config/env.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { CircuitBreaker } from '../../shared/domain/delivery/circuit-breaker.js';
import { systemClock } from '../../shared/ports/clock.js';
import { webhookCallbacks } from './callbacks.js';
import type { CrashHook } from './crash.js';
import { policyEgress } from './egress.js';
import { makeDeliverHandler, type StreamHandler } from './handler-factory.js';
import type { TargetRuntime } from './process-outbox.js';
import { loadSmartKeys } from './smart-keys.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Tries of a sender callback before it is `failed`, and its backoff (full jitter, doubling). */
const CALLBACK_RETRY = { maxTries: 8, baseMs: 500, maxMs: 30_000 };

/**
 * The delivery worker's composition root: one FHIR client, SMART token cache and
 * circuit breaker per EHR target of the policy, built once per cold start.
 * `crash` is for fault tests only (crash points of a step).
 * @throws when the environment or the policy is invalid, or a target has no endpoint.
 */
export async function buildDeliverHandler(raw: Env, crash?: CrashHook): Promise<StreamHandler> {
  const env = parseEnv(DeliverEnv, raw);
  const policy = loadPolicy(env.POLICY_FILE);
  const cell = policy.jurisdictions.find((j) => j.id === env.CELL_ID);
  if (!cell)
    throw new Error(`invalid configuration: CELL_ID "${env.CELL_ID}" is not a jurisdiction of the policy`);
  const region = env.AWS_REGION;
  let secrets: SecretsManagerClient | undefined;
  const sm = () => {
    secrets ??= new SecretsManagerClient({ region });
    return secrets;
  };
  const logger = new Logger({
    serviceName: 'visitbridge-deliver',
    logLevel: (raw.LOG_LEVEL ?? 'INFO') as 'INFO',
    persistentKeys: { cell: env.CELL_ID },
  });
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ region }))
    : await localKeyring(env.CELL_ID, env.LOCAL_KEY_FILE ?? '');
  const pseudonymizer = new HmacPseudonymizer(
    await loadPseudonymKey({ file: env.PSEUDONYM_KEY_FILE, secretArn: env.PSEUDONYM_KEY_SECRET_ARN }, sm),
  );
  const ddb = dynamoClient(region, env.DYNAMODB_ENDPOINT);

  const algs = new Set<SigningAlg>(policy.ehrTargets.flatMap((t) => (t.auth ? [t.auth.alg] : [])));
  const keys = await loadSmartKeys(
    algs,
    { file: env.SMART_KEY_FILE, secretArn: env.SMART_PRIVATE_KEY_SECRET_ARN },
    sm,
  );
  const targets = new Map<string, TargetRuntime>();
  for (const target of policy.ehrTargets) {
    const endpoint = env.EHR_ENDPOINTS?.[target.id];
    const baseUrl = endpoint?.baseUrl ?? target.baseUrl;
    if (!baseUrl) continue; // parked as target-not-configured, visible to HIMs
    const tokenUrl = endpoint?.tokenUrl ?? target.auth?.tokenUrl;
    const key = target.auth ? keys.get(target.auth.alg) : undefined;
    const tokens =
      target.auth && key && tokenUrl
        ? new SmartBackendClient({
            tokenUrl,
            clientId: target.auth.clientId,
            scope: target.auth.scope,
            key,
            timeoutMs: env.EHR_TIMEOUT_MS,
          })
        : undefined;
    targets.set(target.id, {
      target,
      client: new FhirEhrClient({ baseUrl, timeoutMs: env.EHR_TIMEOUT_MS, tokens }),
      breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 2_000, now: Date.now }),
    });
  }
  const rules = { allowLoopbackHttp: env.CALLBACK_ALLOW_LOOPBACK_HTTP === 'true' };
  const senders = env.SENDERS_FILE
    ? new FileSenderRegistry(env.SENDERS_FILE, undefined, rules)
    : new SecretsManagerSenderRegistry(sm(), env.SENDER_SECRETS_PREFIX ?? '', undefined, rules);
  const ledger = new DynamoLedgerStore({ client: ddb, tableName: env.TABLE_NAME, cellId: env.CELL_ID });
  return makeDeliverHandler({
    cell: env.CELL_ID,
    policy,
    outbox: new DynamoOutbox(ddb, env.TABLE_NAME, ledger),
    callbackOutbox: new DynamoCallbackOutbox(ddb, env.TABLE_NAME),
    encryptor: new EsdkNoteEncryptor(keyring, keyId),
    clock: systemClock,
    logger,
    targets,
    retry: {
      maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
      baseMs: env.DELIVERY_BASE_BACKOFF_MS,
      maxMs: env.DELIVERY_MAX_BACKOFF_MS,
    },
    retentionDays: cell.retentionDays,
    egress: policyEgress({ cell: env.CELL_ID, region, keyId, policy, pseudonymizer, clock: systemClock }),
    senders,
    callbacks: webhookCallbacks({ rules, timeoutMs: 5_000 }),
    callbackRetry: CALLBACK_RETRY,
    sleep,
    ...(crash ? { crash } : {}),
  });
}
