import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { AppError } from '../../shared/domain/errors.js';
import { CONSOLE_VENDOR_FILES, type ConsoleConfig, consoleConnectOrigins } from '../console-config.js';
import type { LocalCell } from './cells.js';
import { CONSOLE_CLIENT_ID, DEV_SIGN_IN_ROUTES, HIM_SCOPE } from './dev-sign-in.js';
import { type StaticRoute, sendProblem } from './server.js';

export type { ConsoleConfig } from '../console-config.js';

export interface ConsoleRouteOptions {
  /** Folder of the console's static files. */
  consoleDir: string;
  /** Read on every `config.json` request, so cells that finish starting later are listed. */
  config: () => ConsoleConfig;
}

const PREFIX = '/console/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves the HIM web console at `/console/` in the local runtime: its static
 * files (only known file types, never outside `consoleDir`), `config.json`
 * from `config()`, and a strict CSP that allows scripts from the console only
 * and connections to the configured cells and issuer only.
 */
export function consoleRoute(options: ConsoleRouteOptions): StaticRoute {
  const root = resolve(options.consoleDir);
  return async (req, res, path) => {
    if (path === '/console') {
      res.writeHead(308, { location: PREFIX, 'content-length': 0 }).end();
      return true;
    }
    if (!path.startsWith(PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'text/plain; charset=utf-8', 'method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    const config = options.config();
    const csp = contentSecurityPolicy(config);
    const rel = decodePath(path.slice(PREFIX.length));
    if (rel === undefined) {
      sendProblem(
        res,
        new AppError('invalid-path', `the path ${path} has a malformed percent-encoding`, { path }),
      );
      return true;
    }
    if (rel === 'config.json') {
      reply(res, 200, 'application/json', JSON.stringify(config), { 'cache-control': 'no-store', ...csp });
      return true;
    }
    const file = CONSOLE_VENDOR_FILES[rel] ?? safeFile(root, rel === '' ? 'index.html' : rel);
    const type = file ? CONTENT_TYPES[extname(file)] : undefined;
    if (!file || !type || !(await isFile(file))) {
      reply(res, 404, 'text/plain; charset=utf-8', 'not found', csp);
      return true;
    }
    reply(res, 200, type, await readFile(file), { 'cache-control': 'no-cache', ...csp });
    return true;
  };
}

/**
 * The console's config for the local runtime: every cell of the stack, and sign-in at the
 * development OpenID provider (`issuer`), as a Cognito pool's managed login is used in AWS.
 */
export function localConsoleConfig(cells: readonly LocalCell[], issuer: string): ConsoleConfig {
  return {
    cells: cells.map((c) => ({
      id: c.id,
      name: c.jurisdiction.name,
      region: c.jurisdiction.region,
      apiBase: c.baseUrl,
    })),
    signIn: {
      issuer,
      clientId: CONSOLE_CLIENT_ID,
      authorizationEndpoint: `${issuer}${DEV_SIGN_IN_ROUTES.authorization}`,
      tokenEndpoint: `${issuer}${DEV_SIGN_IN_ROUTES.token}`,
      scope: `openid ${HIM_SCOPE}`,
      idTokenSigningAlg: 'ES256',
    },
  };
}

/**
 * Where the development provider may send the console back to: `/console/` on the stack's
 * URL, and on the other loopback name (127.0.0.1 and localhost reach the same stack).
 */
export function consoleRedirectUris(stackUrl: string): string[] {
  const url = new URL(PREFIX, stackUrl);
  const uris = [url.href];
  for (const [from, to] of [
    ['127.0.0.1', 'localhost'],
    ['localhost', '127.0.0.1'],
  ] as const) {
    if (url.hostname === from) uris.push(Object.assign(new URL(url), { hostname: to }).href);
  }
  return uris;
}

function decodePath(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** The file under `root` named by `rel`, or undefined for anything that could leave it or is hidden. */
function safeFile(root: string, rel: string): string | undefined {
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  if (rel.split('/').some((segment) => segment === '' || segment.startsWith('.'))) return undefined;
  const file = resolve(root, rel);
  return file.startsWith(root + sep) ? file : undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function contentSecurityPolicy(config: ConsoleConfig): Record<string, string> {
  const connect = ["'self'", ...consoleConnectOrigins(config)].join(' ');
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

function reply(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': bytes.length });
  res.end(bytes);
}
