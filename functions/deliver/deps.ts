import { DynamoCallbackOutbox } from '../../shared/adapters/dynamodb/callback-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import { FhirEhrClient } from '../../shared/adapters/fhir/fhir-client.js';
import {
  SecretSenderRegistry,
  senderSecretsLayout,
  sendersFileLayout,
} from '../../shared/adapters/senders/sender-registry.js';
import type { SigningAlg } from '../../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../../shared/adapters/smart/smart-client.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import { CircuitBreaker } from '../../shared/domain/delivery/circuit-breaker.js';
import { buildCellServices, secretName } from '../cell-services.js';
import { webhookCallbacks } from './callbacks.js';
import type { CrashHook } from './crash.js';
import { policyEgress } from './egress.js';
import { DeliverEnv } from './env.js';
import { makeDeliverHandler, type StreamHandler } from './handler-factory.js';
import type { TargetRuntime } from './process-outbox.js';
import { loadSmartKeys } from './smart-keys.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Tries of a sender callback before it is `failed`, and its backoff (full jitter, doubling). */
const CALLBACK_RETRY = { maxTries: 8, baseMs: 500, maxMs: 30_000 };

/**
 * The delivery worker's composition root: the cell's services, plus one FHIR
 * client, SMART token cache and circuit breaker per EHR target of the policy, the
 * sender registry and the callback sender, built once per cold start.
 * `crash` is for fault tests only (crash points of a step).
 * @throws when the environment or the policy is invalid, or a target has no endpoint.
 */
export async function buildDeliverHandler(raw: Env, crash?: CrashHook): Promise<StreamHandler> {
  const env = parseEnv(DeliverEnv, raw);
  const cell = await buildCellServices(env, 'deliver');
  const { policy, secrets, clock } = cell;
  const algs = new Set<SigningAlg>(policy.ehrTargets.flatMap((t) => (t.auth ? [t.auth.alg] : [])));
  const keys = await loadSmartKeys(
    algs,
    secrets,
    secretName(env.SMART_KEY_FILE, env.SMART_PRIVATE_KEY_SECRET_ARN),
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
  const senders = new SecretSenderRegistry(
    secrets,
    env.SENDERS_FILE
      ? sendersFileLayout(env.SENDERS_FILE)
      : senderSecretsLayout(env.SENDER_SECRETS_PREFIX ?? ''),
    rules,
  );
  return makeDeliverHandler({
    cell: cell.cell,
    policy,
    outbox: new DynamoOutbox(cell.dynamo, cell.tableName, cell.ledger),
    callbackOutbox: new DynamoCallbackOutbox(cell.dynamo, cell.tableName),
    encryptor: cell.encryptor,
    clock,
    logger: cell.logger,
    targets,
    retry: {
      maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
      baseMs: env.DELIVERY_BASE_BACKOFF_MS,
      maxMs: env.DELIVERY_MAX_BACKOFF_MS,
    },
    egress: policyEgress({
      cell: cell.cell,
      region: cell.region,
      keyId: cell.key.id,
      policy,
      pseudonymizer: cell.pseudonymizer,
      clock,
      ids: cell.ids,
    }),
    senders,
    callbacks: webhookCallbacks({ rules, timeoutMs: 5_000 }),
    callbackRetry: CALLBACK_RETRY,
    sleep,
    ...(crash ? { crash } : {}),
  });
}
