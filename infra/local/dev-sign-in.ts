import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { DEV_AUDIENCE, type DevIssuer, type DevUser, ROLES_CLAIM } from './dev-issuer.js';
import { errorPage, parseSignInForm, signInPage } from './dev-sign-in-page.js';
import { isLoopbackAddress } from './host-guard.js';

/** The console's OAuth client at the local provider: public, authorization code with PKCE only. */
export const CONSOLE_CLIENT_ID = 'visitbridge-console';
/** The scope that grants the HIM API as a resource (a JWT access token with `aud` = the HIM audience). */
export const HIM_SCOPE = 'him';
/** Endpoints under the issuer, shaped like a Cognito pool's managed login. */
export const DEV_SIGN_IN_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userInfo',
  end_session: '/logout',
  jwks: '/.well-known/jwks.json',
} as const;

export interface DevSignIn {
  /** Handles a request below the issuer's path (`/dev-issuer/...`); `subpath` is what follows it. */
  handle(req: IncomingMessage, res: ServerResponse, subpath: string): Promise<void>;
}

const INTERACTION = /^\/interaction\/([\w-]{1,64})(\/login)?$/;

/**
 * The local stack's OpenID Connect provider (`oidc-provider`, OpenID Certified):
 * authorization code with PKCE for the console, ES256 JWT access tokens for the
 * HIM audience carrying the same claims as a Cognito access token after the
 * pre-token-generation trigger (`cognito:groups`, `custom:country`), signed with
 * the development issuer's key so both verify against one JWKS. Users are
 * development users chosen on a local sign-in page; state lives in memory.
 * Never deployed.
 */
export function createDevSignIn(issuer: DevIssuer, redirectUris: readonly string[]): DevSignIn {
  const accounts = new Map<string, DevUser>();
  const mountPath = new URL(issuer.issuer).pathname;
  const redirectOrigins = new Set(redirectUris.map((uri) => new URL(uri).origin));
  const configuration: Configuration = {
    adapter: createMemoryAdapter(0),
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'visitbridge HIM console',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [...redirectUris],
        post_logout_redirect_uris: [...redirectUris],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [issuer.signingJwk as never] },
    routes: DEV_SIGN_IN_ROUTES,
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 28_800,
      Grant: 28_800,
    },
    findAccount: (_ctx, id) =>
      accounts.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined,
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DEV_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: HIM_SCOPE,
          audience: DEV_AUDIENCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token ? accounts.get(token.accountId) : undefined;
      if (!user) return undefined;
      return { [ROLES_CLAIM]: user.roles, ...(user.country ? { 'custom:country': user.country } : {}) };
    },
    loadExistingGrant: (ctx) => firstPartyGrant(ctx),
    // The console calls the token endpoint from its own origin: only the redirect URIs' origins may.
    clientBasedCORS: (_ctx, origin) => redirectOrigins.has(origin),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error), out.error_description);
    },
  };
  const provider = new Provider(issuer.issuer, configuration);
  const callback = provider.callback();
  const formTargets = [...redirectOrigins].join(' ');

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, login: boolean) {
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; style-src 'self'; form-action 'self' ${formTargets}; frame-ancestors 'none'; base-uri 'none'`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    const page = (status: number, html: string) => {
      res.writeHead(status, headers).end(html);
    };
    if (!isLoopbackAddress(req.socket.remoteAddress))
      return page(
        403,
        '<!doctype html><title>Forbidden</title><p>Development sign-in is for this machine only.</p>',
      );
    const details = await provider.interactionDetails(req, res).catch(() => undefined);
    if (!details || details.uid !== uid)
      return page(
        400,
        '<!doctype html><title>Sign-in expired</title><p>This sign-in has expired. Start again from the console.</p>',
      );
    const action = `${mountPath}/interaction/${uid}/login`;
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = client?.clientName ?? 'the HIM console';
    if (!login || req.method !== 'POST') return page(200, signInPage({ action, clientName }));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = parseSignInForm(Buffer.concat(chunks).toString('utf8'));
    if ('error' in form) return page(400, signInPage({ action, clientName, ...form }));
    accounts.set(form.user.user, form.user);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: form.user.user } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    async handle(req, res, subpath) {
      const match = INTERACTION.exec(subpath);
      if (match?.[1]) return interaction(req, res, match[1], match[2] !== undefined);
      // Mounted below the issuer's path, as Express would: the provider reads the mount from originalUrl.
      Object.assign(req, { originalUrl: req.url, url: req.url?.slice(mountPath.length) || '/' });
      await callback(req, res);
    },
  };
}

/**
 * The console is a first-party client: the grant covers what it asks for, so no
 * consent page is shown (the documented recipe for `loadExistingGrant`).
 */
async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const clientId = oidc.client?.clientId;
  const accountId = oidc.session?.accountId;
  if (!clientId || !accountId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (existing) return existing;
  const grant = new oidc.provider.Grant({ clientId, accountId });
  grant.addOIDCScope('openid');
  grant.addResourceScope(DEV_AUDIENCE, HIM_SCOPE);
  await grant.save();
  return grant;
}
