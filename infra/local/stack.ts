import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildDeliverHandler } from '../../functions/deliver/deps.js';
import type { StreamHandler } from '../../functions/deliver/handler-factory.js';
import { cellApiDocument } from '../../functions/openapi.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { AppError } from '../../shared/domain/errors.js';
import { eventJsonSchema } from '../../shared/http/openapi.js';
import type { Route } from './api-gateway.js';
import { type LocalCell, localCells } from './cells.js';
import { type ConsoleConfig, consoleRoute, localConsoleConfig } from './console-route.js';
import { prepareDataDir } from './data-dir.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';
import { serveDevIssuer } from './dev-issuer-http.js';
import { type DynamoDbLocal, localDynamoClient, startDynamoDbLocal } from './dynamodb-local.js';
import { cellSmartJwks, ExternalEhrs, type LocalEhrs, registerBridgeKeys, startLocalEhrs } from './ehrs.js';
import { HTTP_FUNCTIONS, SCHEDULED_FUNCTIONS, startSchedule } from './functions.js';
import { cellServers, healthDocument } from './health.js';
import { allowedHostNames } from './host-guard.js';
import { ensureSendersFile } from './senders.js';
import { createGateway, type StaticRoute, sendJson, sendProblem } from './server.js';
import { type LocalSettings, PROJECT_ROOT, stackUrl } from './settings.js';
import { ensureCellTable } from './tables.js';
import { startDeliveryWorkers } from './workers.js';

export interface LocalStackOptions {
  settings: LocalSettings;
  /** Throwaway run: DynamoDB in memory (keys and senders still live in the data folder). */
  inMemory?: boolean;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  /** Appended to every table name, so stacks sharing a DynamoDB endpoint stay apart. */
  tableSuffix?: string;
  /** Reports start-up steps (the banner's progress lines). */
  onProgress?: (step: string) => void;
  /** Run the delivery workers (default). Off, notes stay pending: the benchmark measures ingest alone. */
  deliveryWorkers?: boolean;
  /** Poller-level errors of the delivery workers (stderr by default). */
  onWorkerError?: (cell: string, error: unknown) => void;
}

export interface LocalStack {
  url: string;
  devIssuer: DevIssuer;
  cells: LocalCell[];
  dynamo: DynamoDbLocal;
  dynamoClient: DynamoDBClient;
  ehrs: LocalEhrs;
  dataDir: string;
  sendersFile: string;
  demoSecret: { value: string; generated: boolean };
  health(): Record<string, unknown>;
  /** Resolves once every delivery worker has caught up with its stream. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local stack in this process: DynamoDB Local, a sandbox EHR
 * per EHR target, every cell of the residency policy with its table, keys,
 * Lambda handlers and delivery worker, and one HTTP gateway. `GET /healthz`
 * answers 503 until everything is ready, then 200.
 *
 * @throws when the port is taken, Java is missing, or the policy is invalid.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { settings } = options;
  const progress = options.onProgress ?? (() => undefined);
  const dataDir = resolve(settings.VISITBRIDGE_DATA_DIR);
  await prepareDataDir(dataDir);
  const policy = loadPolicy(settings.VISITBRIDGE_POLICY_FILE);
  const external = ExternalEhrs.parse(JSON.parse(settings.VISITBRIDGE_EHR_ENDPOINTS ?? '{}'));

  let ready = false;
  let health: Record<string, unknown> = { status: 'starting' };
  let devIssuer: DevIssuer | undefined;
  const cellRoutes = new Map<string, Route[]>();
  let consoleConfig: ConsoleConfig = { cells: [] };
  const extras: StaticRoute[] = [
    (_req, res, path) => {
      if (path === '/healthz') sendJson(res, ready ? 200 : 503, health);
      else if (!ready && !path.startsWith('/dev-issuer/'))
        sendProblem(res, new AppError('storage-unavailable', 'starting'));
      else return false;
      return true;
    },
    (req, res, path) => {
      if (path === '/openapi.json')
        sendJson(
          res,
          200,
          cellApiDocument(cellServers(req.headers.host, stackUrl(settings), policy.jurisdictions)),
        );
      else if (path === '/schemas/visit-note-event.v1.json') sendJson(res, 200, eventJsonSchema());
      else return false;
      return true;
    },
    async (req, res, path) => {
      if (!devIssuer || !path.startsWith('/dev-issuer/')) return false;
      await serveDevIssuer(devIssuer, req, res, path);
      return true;
    },
    consoleRoute({ consoleDir: resolve(PROJECT_ROOT, 'console'), config: () => consoleConfig }),
  ];
  const server = createGateway({
    cells: cellRoutes,
    extras,
    hostNames: allowedHostNames(settings.HOST),
    requestTimeoutMs: settings.VISITBRIDGE_REQUEST_TIMEOUT_MS,
  });
  await listen(server, settings.PORT, settings.HOST);
  const url = `http://${settings.HOST}:${(server.address() as AddressInfo).port}`;
  const cleanup: Array<() => Promise<void>> = [() => close(server)];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    ready = false;
    stopped ??= (async () => {
      for (const step of [...cleanup].reverse()) await step().catch(() => undefined);
    })();
    return stopped;
  };

  try {
    devIssuer = await createDevIssuer({
      keyFile: resolve(dataDir, 'keys', 'dev-issuer.pem'),
      issuer: `${url}/dev-issuer`,
    });
    progress('starting DynamoDB Local');
    const dynamo = options.dynamoEndpoint
      ? externalDynamo(options.dynamoEndpoint)
      : await startDynamoDbLocal({
          dataDir: options.inMemory ? undefined : resolve(dataDir, 'dynamodb'),
          port: settings.VISITBRIDGE_DYNAMODB_PORT || undefined,
        });
    cleanup.push(() => dynamo.stop());
    const dynamoClient = localDynamoClient(dynamo.endpoint);
    cleanup.push(async () => dynamoClient.destroy());

    progress('starting sandbox EHRs');
    const ehrs = await startLocalEhrs({ policy, host: settings.HOST, basePort: settings.PORT, external });
    cleanup.push(() => ehrs.stop());

    const sendersFile = resolve(dataDir, 'senders.json');
    const demo = await ensureSendersFile(sendersFile, settings.VISITBRIDGE_DEMO_SENDER_SECRET);
    const cells = localCells({
      jurisdictions: policy.jurisdictions,
      stackUrl: url,
      issuer: devIssuer,
      dataDir,
      policyFile: settings.VISITBRIDGE_POLICY_FILE,
      dynamoEndpoint: dynamo.endpoint,
      sendersFile,
      logLevel: settings.LOG_LEVEL,
      ehrEndpoints: ehrs.endpoints,
      ehrTimeoutMs: settings.VISITBRIDGE_EHR_TIMEOUT_MS,
      digestIntervalMinutes: settings.VISITBRIDGE_DIGEST_INTERVAL_MINUTES,
      tableSuffix: options.tableSuffix,
    });

    consoleConfig = localConsoleConfig(cells, `${url}/dev-issuer/token`);
    const deliverHandlers = new Map<string, StreamHandler>();
    for (const cell of cells) {
      progress(`cell ${cell.id}: table ${cell.tableName}, keys, functions`);
      await ensureCellTable(dynamoClient, cell.tableName);
      cell.env.SMART_PUBLIC_JWKS = JSON.stringify(await cellSmartJwks(policy, cell));
      const routes: Route[] = [];
      for (const fn of HTTP_FUNCTIONS) {
        const handler = await fn.build(cell.env);
        const functionName = `visitbridge-${cell.id}-${fn.name}`;
        routes.push(...fn.routes.map((routeKey) => ({ routeKey, handler, functionName })));
      }
      for (const fn of SCHEDULED_FUNCTIONS) {
        progress(`cell ${cell.id}: ${fn.startMessage}`);
        cleanup.push(await startSchedule(fn, cell, settings.VISITBRIDGE_DIGEST_INTERVAL_MINUTES * 60_000));
      }
      cellRoutes.set(cell.id, routes);
      deliverHandlers.set(cell.id, await buildDeliverHandler(cell.env));
    }
    await registerBridgeKeys(ehrs, policy, cells);

    progress('starting delivery workers');
    const workers = await startDeliveryWorkers({
      cells: options.deliveryWorkers === false ? [] : cells,
      handlers: deliverHandlers,
      dynamo: dynamoClient,
      dynamoEndpoint: dynamo.endpoint,
      dlqDir: resolve(dataDir, 'dlq'),
      checkpointDir: options.inMemory ? undefined : resolve(dataDir, 'streams'),
      onError:
        options.onWorkerError ??
        ((cell, error) =>
          process.stderr.write(`delivery worker ${cell}: ${(error as Error).message ?? error}\n`)),
    });
    cleanup.push(() => workers.stop());

    health = healthDocument({
      url,
      dynamoEndpoint: dynamo.endpoint,
      persistent: !options.inMemory,
      dataDir,
      policy,
      cells,
      ehrs,
    });
    ready = true;
    return {
      url,
      devIssuer,
      cells,
      dynamo,
      dynamoClient,
      ehrs,
      dataDir,
      sendersFile,
      demoSecret: { value: demo.demoSecret, generated: demo.generated },
      health: () => health,
      idle: () => workers.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function externalDynamo(endpoint: string): DynamoDbLocal {
  return { endpoint, port: Number(new URL(endpoint).port), stop: async () => undefined };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set PORT to a free port`) : error,
      ),
    );
    server.listen(port, host, () => resolvePromise());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.closeAllConnections();
    server.close(() => resolvePromise());
  });
}
