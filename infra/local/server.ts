import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../../shared/domain/errors.js';
import type { HttpResult } from '../../shared/http/apigw.js';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../shared/http/problem.js';
import { compileRoutes, localContext, matchRoute, type Route, toApiGatewayEvent } from './api-gateway.js';
import { isAllowedHost } from './host-guard.js';

/** API Gateway's own payload limit; the functions apply their smaller limits themselves. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export type StaticRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) => boolean | Promise<boolean>;

export interface GatewayOptions {
  /** Routes of each cell, mounted under `/<cellId>`. */
  cells: Map<string, Route[]>;
  /** Non-cell endpoints (health, schemas, console), tried in order before cells. */
  extras: StaticRoute[];
  /** `Host` names answered (with the listening port); anything else gets 421. See `allowedHostNames`. */
  hostNames: readonly string[];
  /** Budget to receive a whole request, headers and body; a slower client gets 408 and the connection closes. */
  requestTimeoutMs: number;
}

/**
 * The local stand-in for each cell's HTTP API: a thin shim that turns requests
 * into API Gateway v2 events for the real handlers and their results back into
 * responses. No business logic lives here. It answers only to the allowed
 * `Host` names (421 otherwise, which defeats DNS rebinding) and cuts off a
 * request not received within `requestTimeoutMs` (408).
 */
export function createGateway(options: GatewayOptions): Server {
  // Cells register their routes as they finish starting; compile each cell's routes on first use.
  const compiled = new Map<string, ReturnType<typeof compileRoutes>>();
  const routesOf = (cellId: string) => {
    const routes = options.cells.get(cellId);
    if (!routes) return undefined;
    if (!compiled.has(cellId)) compiled.set(cellId, compileRoutes(routes));
    return compiled.get(cellId);
  };
  const timeout = options.requestTimeoutMs;
  const server = createServer(
    {
      requestTimeout: timeout,
      headersTimeout: timeout,
      // Node checks the timeouts every 30 s by default: check often enough that the budget holds.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeout / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed)
          send(res, problemFor(new AppError('internal', 'gateway failure', {}, { cause: error })));
        else res.destroy();
      });
    },
  );
  server.on('clientError', answerClientError);
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req, options.hostNames)) {
      return send(
        res,
        problemFor(
          new AppError(
            'host-not-allowed',
            `this server answers to ${options.hostNames.join(', ')} (with its port) only; set HOST to serve another name`,
          ),
        ),
      );
    }
    const url = new URL(req.url ?? '/', 'http://local');
    for (const extra of options.extras) {
      if (await extra(req, res, url.pathname)) return;
    }
    const [, cellId = '', ...rest] = url.pathname.split('/');
    const routes = routesOf(cellId);
    if (!routes)
      return send(res, problemFor(new AppError('not-found', `no cell "${cellId}" here; see /healthz`)));
    const path = `/${rest.join('/')}`;
    const method = req.method ?? 'GET';
    const match = matchRoute(routes, method, path);
    if (!match)
      return send(
        res,
        problemFor(new AppError('not-found', `no route ${method} ${path} in cell "${cellId}"`)),
      );
    const body = await readBody(req);
    if (!body)
      return send(
        res,
        problemFor(new AppError('payload-too-large', `the gateway limit is ${GATEWAY_MAX_BODY} bytes`)),
      );
    const event = toApiGatewayEvent({
      req,
      body,
      stagePath: path,
      routeKey: match.route.routeKey,
      pathParameters: match.pathParameters,
      query: url.searchParams,
    });
    send(res, await match.route.handler(event, localContext(match.route.functionName)));
  }
}

/**
 * Answers a request Node refused before any handler ran: a request not received
 * in time gets a 408 problem; anything else Node's own plain 431 or 400. Then
 * the connection closes.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }): void {
  if (socket.writable && !socket.bytesWritten) {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const problem = toProblem(
        new AppError('request-timeout', 'the request was not received in time; send it again in one go'),
      );
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 408 Request Timeout\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      socket.write('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
    } else {
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }
  }
  socket.destroy();
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function problemFor(error: AppError): HttpResult {
  const problem = toProblem(error);
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem),
  };
}

export function send(res: ServerResponse, result: HttpResult): void {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': body.length });
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.end(body);
}

/** Answers with the problem+json of an error (5xx detail hidden as everywhere). */
export function sendProblem(res: ServerResponse, error: AppError): void {
  send(res, problemFor(error));
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, {
    statusCode: status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value, null, 2),
  });
}
