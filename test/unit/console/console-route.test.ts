import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type ConsoleConfig, consoleRoute } from '../../../infra/local/console-route.js';

const CONFIG: ConsoleConfig = {
  cells: [{ id: 'uk', name: 'United Kingdom', region: 'eu-west-2', apiBase: 'https://uk.api.example.org/' }],
  signIn: {
    issuer: 'http://127.0.0.1:9999/dev-issuer',
    clientId: 'visitbridge-console',
    authorizationEndpoint: 'http://127.0.0.1:9999/dev-issuer/oauth2/authorize',
    tokenEndpoint: 'http://127.0.0.1:9999/dev-issuer/oauth2/token',
    scope: 'openid him',
    idTokenSigningAlg: 'ES256',
  },
};

/** Raw GET, so paths like `/console/../x` reach the server unnormalised. */
function get(port: number, path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

describe('consoleRoute', () => {
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    const route = consoleRoute({ consoleDir: resolve('console'), config: () => CONFIG });
    server = createServer(async (req, res) => {
      if (!(await route(req, res, new URL(req.url ?? '/', 'http://x').pathname))) res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves index.html at /console/ with a strict CSP', async () => {
    // Act
    const res = await get(port, '/console/');
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<script type="module" src="js/main.js">');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('lets the page connect only to itself, the configured cells and the token endpoint', async () => {
    const res = await get(port, '/console/');
    expect(res.headers['content-security-policy']).toContain(
      "connect-src 'self' https://uk.api.example.org http://127.0.0.1:9999;",
    );
  });

  it('serves the OAuth client library from its package as an ES module', async () => {
    const answer = await get(port, '/console/js/vendor/oauth4webapi.js');

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.body).toContain('export async function authorizationCodeGrantRequest');
  });

  it('redirects /console to /console/', async () => {
    const res = await get(port, '/console');
    expect([res.status, res.headers.location]).toEqual([308, '/console/']);
  });

  it.each([
    ['/console/js/main.js', 'text/javascript; charset=utf-8'],
    ['/console/styles.css', 'text/css; charset=utf-8'],
    ['/console/favicon.svg', 'image/svg+xml'],
  ])('serves %s as %s', async (path, type) => {
    const res = await get(port, path);
    expect([res.status, res.headers['content-type']]).toEqual([200, type]);
  });

  it('answers config.json from config(), uncached', async () => {
    const res = await get(port, '/console/config.json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(CONFIG);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    '/console/../package.json',
    '/console/..%2fpackage.json',
    '/console/js/..%2F..%2Fpackage.json',
    '/console/%2e%2e/package.json',
    '/console/.hidden',
    '/console/js%5c..%5c..%5cpackage.json',
    '/console/%00index.html',
    '/console/%E0%A4%A',
  ])('refuses to leave the console folder: %s', async (path) => {
    // Act
    const res = await get(port, path);
    // Assess: never the project's package.json, whatever the gateway does with the path
    expect(res.body).not.toContain('"name": "visitbridge"');
    expect([400, 404, 418]).toContain(res.status);
  });

  it('refuses file types it does not know', async () => {
    const res = await get(port, '/console/js/../../README.md');
    expect(res.status).not.toBe(200);
  });

  it('refuses writes', async () => {
    const res = await get(port, '/console/index.html', 'POST');
    expect([res.status, res.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('leaves other paths to the next route', async () => {
    const res = await get(port, '/uk/v1/him/whoami');
    expect(res.status).toBe(418);
  });
});
