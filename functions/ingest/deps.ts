import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import {
  SecretSenderRegistry,
  senderSecretsLayout,
  sendersFileLayout,
} from '../../shared/adapters/senders/sender-registry.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';
import { buildCellServices, secretName } from '../cell-services.js';
import type { IngestDeps } from './accept-note.js';
import { IngestEnv } from './env.js';
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
 * The ingest function's composition root: the cell's services, plus the sender
 * registry, the forwarding secret and client, and the misrouting rule of the cell.
 * Lambda calls it with process.env; the local runtime with the function's settings.
 *
 * @throws Error (PolicyError naming the bad paths for the policy) when the
 *   environment, the policy or a key source is invalid, before any request.
 */
export async function buildIngestHandler(raw: Env, overrides: IngestOverrides = {}): Promise<HttpHandler> {
  const env = parseEnv(IngestEnv, raw);
  const cell = await buildCellServices(env, 'ingest');
  const { policy, ledger, key, pseudonymizer, secrets } = cell;
  const forwardingSecrets = await loadForwardingSecrets(
    secrets,
    secretName(env.FORWARD_SECRET_FILE, env.FORWARD_SECRET_ARN),
  );
  const senders = new SecretSenderRegistry(
    secrets,
    env.SENDERS_FILE
      ? sendersFileLayout(env.SENDERS_FILE)
      : senderSecretsLayout(env.SENDER_SECRETS_PREFIX ?? ''),
  );
  const cellEndpoints = env.CELL_ENDPOINTS;
  const reject = rejectMisrouted(cellEndpoints);
  const ingest: IngestDeps = {
    cell: cell.cell,
    policy,
    store: new DynamoNoteStore(cell.dynamo, cell.tableName, ledger),
    encryptor: cell.encryptor,
    pseudonymizer,
    clock: overrides.clock ?? cell.clock,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    cellEndpoints,
    misrouted:
      cell.jurisdiction.misrouting === 'forward'
        ? forwardMisrouted({
            policy,
            cell: cell.cell,
            cellEndpoints,
            ledger,
            key,
            ids: cell.ids,
            bodyHash: (body) => pseudonymizer.hash('body', body),
            forward: forwardClient({
              secret: forwardingSecrets[0] as string,
              timeoutMs: env.FORWARD_TIMEOUT_MS,
            }),
          })
        : reject,
    inboundMovements: inboundMovements({ policy, ledger, key, ids: cell.ids }),
  };
  // Any sender id is accepted on the forwarded route: only a cell holding the forwarding secret can sign.
  const forwardingSigner: SenderRegistry = {
    get: async (senderId) => ({ id: senderId, secrets: forwardingSecrets }),
  };
  return makeIngestHandler({
    logger: cell.logger,
    senders,
    maxBodyBytes: env.MAX_BODY_BYTES,
    ingest,
    // A forwarded note is never forwarded again: a disagreement about its home cell is a 421.
    forwarded: { senders: forwardingSigner, ingest: { ...ingest, misrouted: reject } },
    smartJwks: env.SMART_PUBLIC_JWKS,
    stageTimer: overrides.stageTimer,
  });
}
