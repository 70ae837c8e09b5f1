import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose';

/** A SMART Backend Services client: its id and where its public keys are. */
export interface ClientRegistration {
  clientId: string;
  /** The client's public JWKS, passed in. */
  jwks?: JSONWebKeySet;
  /** A URL serving the client's JWKS; fetched on first use and cached. */
  jwksUrl?: string;
}

/** RFC 6749 section 5.2 error codes this endpoint returns. */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type';

export type TokenResponse =
  | { status: 200; body: { access_token: string; token_type: 'bearer'; expires_in: number; scope: string } }
  | { status: 400 | 401; body: { error: TokenErrorCode; error_description: string } };

/** Why a bearer token was refused. */
export type BearerFailure = 'missing' | 'invalid' | 'expired';

interface IssuedToken {
  clientId: string;
  scope: string;
  expiresAt: number;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 5;

const fail = (status: 400 | 401, error: TokenErrorCode, description: string): TokenResponse => ({
  status,
  body: { error, error_description: description },
});

/**
 * SMART Backend Services authorization server (client_credentials with a
 * private_key_jwt assertion, RS384 or ES384) issuing short-lived opaque bearer
 * tokens, plus the check the FHIR endpoints run on every request.
 */
export class SmartAuthServer {
  readonly #clients = new Map<string, JWTVerifyGetKey>();
  readonly #usedJti = new Map<string, number>();
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #tokenUrl: string;
  readonly #ttlSeconds: number;

  constructor(options: { tokenUrl: string; tokenTtlSeconds: number }) {
    this.#tokenUrl = options.tokenUrl;
    this.#ttlSeconds = options.tokenTtlSeconds;
  }

  /**
   * Registers (or replaces) a client's public keys.
   * @throws TypeError unless exactly one of `jwks` and `jwksUrl` is given, or the URL is not http(s).
   */
  registerClient(registration: ClientRegistration): void {
    const { clientId, jwks, jwksUrl } = registration;
    if (!clientId || (jwks === undefined) === (jwksUrl === undefined)) {
      throw new TypeError('registerClient needs a clientId and exactly one of jwks or jwksUrl');
    }
    if (jwks) {
      this.#clients.set(clientId, createLocalJWKSet(jwks));
      return;
    }
    const url = new URL(jwksUrl ?? '');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('jwksUrl must be http(s)');
    this.#clients.set(clientId, createRemoteJWKSet(url, { cacheMaxAge: 600_000, cooldownDuration: 5_000 }));
  }

  /** Handles a token request's form parameters. Never throws; failures are RFC 6749 error bodies. */
  async issueToken(form: URLSearchParams): Promise<TokenResponse> {
    const now = Math.floor(Date.now() / 1000);
    this.#purge(now);
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    }
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return fail(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
    }
    const assertion = form.get('client_assertion');
    if (!assertion) return fail(400, 'invalid_request', 'client_assertion is required');
    const scope = form.get('scope')?.trim() || 'system/*.*';
    if (!scope.split(/\s+/).every((s) => s.startsWith('system/'))) {
      return fail(400, 'invalid_scope', 'only system/ scopes are granted to backend services');
    }

    let clientId: string;
    try {
      clientId = String(decodeJwt(assertion).iss ?? '');
    } catch {
      return fail(401, 'invalid_client', 'client_assertion is not a JWT');
    }
    const keys = this.#clients.get(clientId);
    const formClientId = form.get('client_id');
    if (!keys || (formClientId !== null && formClientId !== clientId)) {
      return fail(401, 'invalid_client', 'unknown client');
    }

    const verified = await this.#verify(assertion, clientId, keys, now);
    if (typeof verified === 'string') return fail(401, 'invalid_client', verified);

    const replayKey = `${clientId} ${verified.jti}`;
    if (this.#usedJti.has(replayKey))
      return fail(401, 'invalid_client', 'client_assertion jti was already used');
    this.#usedJti.set(replayKey, verified.exp);

    const accessToken = randomBytes(32).toString('base64url');
    this.#tokens.set(accessToken, { clientId, scope, expiresAt: now + this.#ttlSeconds });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'bearer', expires_in: this.#ttlSeconds, scope },
    };
  }

  /** Checks an `Authorization` header; returns the client id, or why it was refused. */
  checkBearer(authorization: string | undefined): { clientId: string } | { failure: BearerFailure } {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return { failure: 'missing' };
    const token = this.#tokens.get(match[1]);
    if (!token) return { failure: 'invalid' };
    if (token.expiresAt <= Math.floor(Date.now() / 1000)) return { failure: 'expired' };
    return { clientId: token.clientId };
  }

  /** The `.well-known/smart-configuration` document. */
  smartConfiguration(): Record<string, unknown> {
    return {
      token_endpoint: this.#tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials'],
      scopes_supported: ['system/*.*', 'system/*.read', 'system/*.write', 'system/*.rs', 'system/*.cruds'],
      capabilities: ['client-confidential-asymmetric'],
    };
  }

  /** Forgets issued tokens (clients and the jti replay cache stay). */
  revokeAllTokens(): void {
    this.#tokens.clear();
  }

  async #verify(
    assertion: string,
    clientId: string,
    keys: JWTVerifyGetKey,
    now: number,
  ): Promise<{ jti: string; exp: number } | string> {
    try {
      const { payload } = await jwtVerify(assertion, keys, {
        algorithms: ['RS384', 'ES384'],
        issuer: clientId,
        subject: clientId,
        audience: this.#tokenUrl,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      const exp = payload.exp ?? 0;
      if (exp > now + MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
        return 'client_assertion exp must be at most 5 minutes in the future';
      }
      return { jti: String(payload.jti), exp };
    } catch (error) {
      return error instanceof errors.JOSEError
        ? `client_assertion rejected: ${error.code}`
        : 'client keys could not be loaded';
    }
  }

  #purge(now: number): void {
    for (const [key, exp] of this.#usedJti) if (exp + CLOCK_TOLERANCE_S < now) this.#usedJti.delete(key);
    for (const [token, issued] of this.#tokens) if (issued.expiresAt <= now) this.#tokens.delete(token);
  }
}
