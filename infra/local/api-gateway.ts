import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../shared/http/apigw.js';

export type LambdaHttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** One route of a function, in API Gateway's `METHOD /path/{param}` notation. */
export interface Route {
  routeKey: string;
  handler: LambdaHttpHandler;
  functionName: string;
}

/**
 * The routes, each call of a route that may write (any method but GET) followed by `then()`,
 * whether the handler answered or threw.
 */
export function afterWrites(routes: Route[], then: () => void): Route[] {
  return routes.map((route) =>
    route.routeKey.startsWith('GET ')
      ? route
      : {
          ...route,
          handler: async (event, context) => {
            try {
              return await route.handler(event, context);
            } finally {
              then();
            }
          },
        },
  );
}

interface CompiledRoute extends Route {
  method: string;
  pattern: RegExp;
  names: string[];
}

/** Compiles routes once; `{name}` matches one segment, `{name+}` the rest of the path. */
export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const [method = '', template = ''] = route.routeKey.split(' ');
    const names: string[] = [];
    const source = template.replace(/\{([A-Za-z0-9_]+)(\+?)\}/g, (_, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
    return { ...route, method, pattern: new RegExp(`^${source}$`), names };
  });
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1] ?? '']));
    return { route, pathParameters };
  }
  return undefined;
}

const TEXT_TYPES = /^(application\/(json|problem\+json|x-www-form-urlencoded)|text\/)/i;

/**
 * Builds the HTTP API (payload format 2.0) event API Gateway would send, so the
 * local runtime invokes the very Lambda handlers deployed to AWS.
 */
export function toApiGatewayEvent(input: {
  req: IncomingMessage;
  body: Buffer;
  stagePath: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  query: URLSearchParams;
}): HttpEvent {
  const { req, body, query } = input;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of query)
    queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.stagePath,
    rawQueryString: query.toString(),
    headers,
    queryStringParameters: Object.keys(queryStringParameters).length ? queryStringParameters : undefined,
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: input.stagePath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  } as HttpEvent;
}

/** The Lambda context object the handlers receive locally. */
export function localContext(functionName: string): Context {
  const requestId = randomUUID();
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
