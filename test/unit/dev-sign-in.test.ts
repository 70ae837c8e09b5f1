import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet } from 'jose';
import * as oauth from 'oauth4webapi';
import { tokenVerifier } from '../../functions/him-api/auth.js';
import { localConsoleConfig } from '../../infra/local/console-route.js';
import { createDevIssuer, DEV_AUDIENCE, type DevIssuer, ROLES_CLAIM } from '../../infra/local/dev-issuer.js';
import { serveDevIssuer } from '../../infra/local/dev-issuer-http.js';
import { createDevSignIn } from '../../infra/local/dev-sign-in.js';

/**
 * The local OpenID provider end to end over HTTP, driven by the same OAuth library
 * the console uses: authorization code with PKCE, the sign-in page, and an access
 * token the HIM API's verifier accepts with the user's roles and country.
 */
describe('development sign-in (OpenID provider)', () => {
  let dir: string;
  let server: Server;
  let base = '';
  let issuer: DevIssuer;
  let redirectUri = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-signin-'));
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    redirectUri = `${base}/console/`;
    issuer = await createDevIssuer({ keyFile: join(dir, 'dev.pem'), issuer: `${base}/dev-issuer` });
    const signIn = createDevSignIn(issuer, [redirectUri]);
    server.on('request', (req, res) => {
      const path = new URL(req.url ?? '/', base).pathname;
      void serveDevIssuer(issuer, req, res, path, signIn);
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  /** A browser's cookie jar and redirect-following, one request at a time. */
  function browser() {
    const jar = new Map<string, string>();
    return async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    };
  }

  /** Starts a sign-in as the console does; returns the sign-in page's URL and the PKCE secrets. */
  async function begin(go: ReturnType<typeof browser>, overrides: Record<string, string> = {}) {
    const config = localConsoleConfig([], issuer.issuer).signIn;
    if (!config) throw new Error('no sign-in in the local console config');
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(config.authorizationEndpoint);
    url.search = new URLSearchParams({
      client_id: config.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: config.scope,
      state: 'st-1',
      nonce: 'no-1',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'login',
      ...overrides,
    }).toString();
    const response = await go(url.href);
    return { config, verifier, page: response.headers.get('location') ?? '', status: response.status };
  }

  /** Posts the sign-in form and follows the provider back to the console; returns the callback URL. */
  async function submit(
    go: ReturnType<typeof browser>,
    page: string,
    form: Record<string, string | string[]>,
  ) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const value of [v].flat()) body.append(k, value);
    let response = await go(`${page}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    while (response.status === 303 || response.status === 302) {
      const next = response.headers.get('location') ?? '';
      if (next.startsWith(redirectUri)) return new URL(next);
      response = await go(next);
    }
    throw new Error(`the provider answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }

  async function exchange(
    config: NonNullable<ReturnType<typeof localConsoleConfig>['signIn']>,
    callback: URL,
    verifier: string,
  ) {
    const as = {
      issuer: config.issuer,
      authorization_endpoint: config.authorizationEndpoint,
      token_endpoint: config.tokenEndpoint,
      id_token_signing_alg_values_supported: [config.idTokenSigningAlg],
    };
    const client = { client_id: config.clientId };
    const params = oauth.validateAuthResponse(as, client, callback, 'st-1');
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      {
        [oauth.allowInsecureRequests]: true,
      },
    );
    return oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: 'no-1',
      requireIdToken: true,
    });
  }

  const verify = () =>
    tokenVerifier({
      issuer: issuer.issuer,
      audience: DEV_AUDIENCE,
      jwks: createLocalJWKSet(issuer.jwks),
      rolesClaim: ROLES_CLAIM,
    });

  it('signs a development user in with PKCE and issues an access token the HIM API accepts', async () => {
    const go = browser();
    const { config, verifier, page, status } = await begin(go);
    expect(status).toBe(303);
    expect(page).toMatch(/^\/dev-issuer\/interaction\/[\w-]+$/);
    const html = await (await go(`${base}${page}`)).text();
    expect(html).toContain('id="dev-form"');
    expect(html).toContain('reviewer.nowhere');

    const callback = await submit(go, `${base}${page}`, { preset: 'reviewer.de' });
    const result = await exchange(config, callback, verifier);

    expect(await verify()(`Bearer ${result.access_token}`)).toEqual({
      user: 'reviewer.de',
      roles: ['him-reviewer'],
      location: { country: 'DE' },
    });
  });

  it('signs in a user described on the form, without a country when none is given', async () => {
    const go = browser();
    const { config, verifier, page } = await begin(go);
    const callback = await submit(go, `${base}${page}`, {
      user: 'sam.lee',
      roles: ['privacy-officer', 'integration-admin'],
      country: '',
    });
    const { access_token } = await exchange(config, callback, verifier);

    const principal = await verify()(`Bearer ${access_token}`);
    expect(principal).toEqual({
      user: 'sam.lee',
      roles: ['privacy-officer', 'integration-admin'],
      location: { unknown: 'missing' },
    });
  });

  it('shows the form again with what to fix for an invalid user, issuing nothing', async () => {
    const go = browser();
    const { page } = await begin(go);
    const response = await go(`${base}${page}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: 'sam lee', country: 'gbr' }),
    });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/user: letters, digits/);
    expect(html).toMatch(/roles: /);
  });

  it('refuses a code redeemed with the wrong verifier', async () => {
    const go = browser();
    const { config, page } = await begin(go);
    const callback = await submit(go, `${base}${page}`, { preset: 'him.reviewer' });

    await expect(exchange(config, callback, oauth.generateRandomCodeVerifier())).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses an authorization request without PKCE or to a foreign redirect URI', async () => {
    const withoutPkce = await begin(browser(), { code_challenge: '', code_challenge_method: '' });
    expect(withoutPkce.page).toMatch(/error=invalid_request/);

    const foreign = await begin(browser(), { redirect_uri: 'https://evil.example/console/' });
    expect(foreign.status).toBe(400);
  });
});
