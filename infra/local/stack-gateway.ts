import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { cellApiDocument } from '../../functions/openapi.js';
import { AppError } from '../../shared/domain/errors.js';
import type { ResidencyPolicy } from '../../shared/domain/policy/model.js';
import { eventJsonSchema } from '../../shared/http/openapi.js';
import type { Route } from './api-gateway.js';
import { type ConsoleConfig, consoleRoute } from './console-route.js';
import type { DevIssuer } from './dev-issuer.js';
import { serveDevIssuer } from './dev-issuer-http.js';
import type { DevSignIn } from './dev-sign-in.js';
import { cellServers } from './health.js';
import { allowedHostNames } from './host-guard.js';
import { createGateway, type StaticRoute, sendJson, sendProblem } from './server.js';
import { type LocalSettings, PROJECT_ROOT, stackUrl } from './settings.js';

/** The local stack's one HTTP gateway, listening, filled in as the stack starts. */
export interface StackGateway {
  url: string;
  /** Each cell's routes, mounted under `/<cellId>` once the cell has started. */
  cellRoutes: Map<string, Route[]>;
  /** Serves the development issuer and its OpenID provider under `/dev-issuer/` once they exist. */
  serveIssuer(issuer: DevIssuer, signIn: DevSignIn): void;
  showConsole(config: ConsoleConfig): void;
  /**
   * `GET /healthz` answers 200 with `health` from now on; until then, and again after `ready(undefined)`
   * (the stack stopping), it and every other route but the issuer answer 503.
   */
  ready(health: Record<string, unknown> | undefined): void;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the gateway before anything else, so `/healthz` answers 503 while the
 * stack starts: health, the OpenAPI document and event schema, the development
 * issuer, the console, and each cell's API.
 *
 * @throws when the port is taken.
 */
export async function startStackGateway(
  settings: LocalSettings,
  policy: ResidencyPolicy,
): Promise<StackGateway> {
  let isReady = false;
  let health: Record<string, unknown> = { status: 'starting' };
  let devIssuer: { issuer: DevIssuer; signIn: DevSignIn } | undefined;
  let consoleConfig: ConsoleConfig = { cells: [] };
  const cellRoutes = new Map<string, Route[]>();
  const extras: StaticRoute[] = [
    (_req, res, path) => {
      if (path === '/healthz') sendJson(res, isReady ? 200 : 503, health);
      else if (!isReady && !path.startsWith('/dev-issuer/'))
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
      await serveDevIssuer(devIssuer.issuer, req, res, path, devIssuer.signIn);
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
  return {
    url: `http://${settings.HOST}:${(server.address() as AddressInfo).port}`,
    cellRoutes,
    serveIssuer: (issuer, signIn) => {
      devIssuer = { issuer, signIn };
    },
    showConsole: (config) => {
      consoleConfig = config;
    },
    ready: (document) => {
      health = document ?? { status: 'stopping' };
      isReady = document !== undefined;
    },
    health: () => health,
    stop: () => close(server),
  };
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
