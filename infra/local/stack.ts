import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StreamHandler } from '../../functions/deliver/handler-factory.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { afterWrites } from './api-gateway.js';
import { type LocalCell, localCells } from './cells.js';
import { consoleRedirectUris, localConsoleConfig } from './console-route.js';
import { prepareDataDir } from './data-dir.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';
import { createDevSignIn } from './dev-sign-in.js';
import { type DynamoDbLocal, localDynamoClient, startDynamoDbLocal } from './dynamodb-local.js';
import {
  ExternalEhrs,
  type LocalEhrs,
  publishSmartJwks,
  registerBridgeKeys,
  startLocalEhrs,
} from './ehrs.js';
import { startCellFunctions } from './functions.js';
import { healthDocument } from './health.js';
import { ensureSendersFile } from './senders.js';
import type { LocalSettings } from './settings.js';
import { startStackGateway } from './stack-gateway.js';
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

/** Undoes one start step. */
type Stop = () => Promise<void>;

/**
 * Starts the whole local stack in this process: DynamoDB Local, a sandbox EHR
 * per EHR target, every cell of the residency policy with its table, keys,
 * Lambda handlers and delivery worker, and one HTTP gateway. `GET /healthz`
 * answers 503 until everything is ready, then 200. Each step returns its stop;
 * a failed start stops what had started, in reverse.
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

  const gateway = await startStackGateway(settings, policy);
  const stops: Stop[] = [gateway.stop];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    gateway.ready(undefined);
    stopped ??= (async () => {
      for (const step of stops.reverse()) await step().catch(() => undefined);
    })();
    return stopped;
  };
  const started = <T extends { stop: Stop }>(part: T): T => {
    stops.push(() => part.stop());
    return part;
  };

  try {
    const devIssuer = await createDevIssuer({
      keyFile: resolve(dataDir, 'keys', 'dev-issuer.pem'),
      issuer: `${gateway.url}/dev-issuer`,
    });
    gateway.serveIssuer(devIssuer, createDevSignIn(devIssuer, consoleRedirectUris(gateway.url)));
    progress('starting DynamoDB Local');
    const dynamo = started(await startDynamo(options, dataDir));
    const dynamoClient = localDynamoClient(dynamo.endpoint);
    stops.push(async () => dynamoClient.destroy());
    progress('starting sandbox EHRs');
    const ehrs = started(
      await startLocalEhrs({ policy, host: settings.HOST, basePort: settings.PORT, external }),
    );

    const sendersFile = resolve(dataDir, 'senders.json');
    const demo = await ensureSendersFile(sendersFile, settings.VISITBRIDGE_DEMO_SENDER_SECRET);
    const cells = localCells({
      jurisdictions: policy.jurisdictions,
      stackUrl: gateway.url,
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
    await publishSmartJwks(policy, cells);
    registerBridgeKeys(ehrs, policy, cells);
    gateway.showConsole(localConsoleConfig(cells, devIssuer.issuer));

    const deliverHandlers = new Map<string, StreamHandler>();
    // Bound once the delivery workers run: a write through a cell's API wakes its stream pollers.
    let wakeWorkers: (cellId: string) => void = () => undefined;
    for (const cell of cells) {
      progress(`cell ${cell.id}: table ${cell.tableName}, keys, functions`);
      await ensureCellTable(dynamoClient, cell.tableName);
      const functions = started(
        await startCellFunctions(cell, settings.VISITBRIDGE_DIGEST_INTERVAL_MINUTES * 60_000, progress),
      );
      gateway.cellRoutes.set(
        cell.id,
        afterWrites(functions.routes, () => wakeWorkers(cell.id)),
      );
      deliverHandlers.set(cell.id, functions.deliver);
    }

    progress('starting delivery workers');
    const workers = started(
      await startDeliveryWorkers({
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
      }),
    );
    wakeWorkers = workers.wake;

    gateway.ready(
      healthDocument({
        url: gateway.url,
        dynamoEndpoint: dynamo.endpoint,
        persistent: !options.inMemory,
        dataDir,
        policy,
        cells,
        ehrs,
      }),
    );
    return {
      url: gateway.url,
      devIssuer,
      cells,
      dynamo,
      dynamoClient,
      ehrs,
      dataDir,
      sendersFile,
      demoSecret: { value: demo.demoSecret, generated: demo.generated },
      health: gateway.health,
      idle: () => workers.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** DynamoDB Local in a child process, or the endpoint the options name (tests share one; nothing to stop). */
async function startDynamo(options: LocalStackOptions, dataDir: string): Promise<DynamoDbLocal> {
  if (options.dynamoEndpoint) {
    const endpoint = options.dynamoEndpoint;
    return { endpoint, port: Number(new URL(endpoint).port), stop: async () => undefined };
  }
  return startDynamoDbLocal({
    dataDir: options.inMemory ? undefined : resolve(dataDir, 'dynamodb'),
    port: options.settings.VISITBRIDGE_DYNAMODB_PORT || undefined,
    // The gateway binds its port after DynamoDB Local starts: a free port must not be that one.
    avoidPorts: [options.settings.PORT],
  });
}
