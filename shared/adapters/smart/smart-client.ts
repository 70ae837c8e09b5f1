import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as z from 'zod';
import { AppError } from '../../domain/errors.js';
import type { AccessTokenSource } from '../../ports/ehr-client.js';
import type { SigningKey } from './signing-key.js';

export interface SmartClientOptions {
  tokenUrl: string;
  clientId: string;
  /** Space-separated SMART scopes, e.g. `system/DocumentReference.write`. */
  scope: string;
  key: SigningKey;
  /** Budget for one token request. */
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Lifetime of a client assertion; SMART allows at most five minutes. */
const ASSERTION_SECONDS = 240;
/** Refresh this long before expiry: 10% of the lifetime, at most 60 s. */
const refreshMargin = (lifetimeMs: number): number => Math.min(60_000, lifetimeMs * 0.1);

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
});

/**
 * SMART Backend Services client (`client_credentials` with a `private_key_jwt`
 * assertion). Caches the token until shortly before expiry; concurrent callers
 * share one request.
 *
 * @example
 * const smart = new SmartBackendClient({ tokenUrl, clientId, scope, key, timeoutMs: 10_000 });
 * const ehr = new FhirEhrClient({ baseUrl, timeoutMs: 10_000, tokens: smart });
 */
export class SmartBackendClient implements AccessTokenSource {
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: SmartClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /**
   * A cached or fresh access token.
   * @throws AppError `unauthorized` when the token endpoint refuses the client (4xx),
   * or `internal` with `extensions.transient` true (unreachable, timeout, 5xx, 429)
   * or false (a malformed token response).
   */
  getToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.inFlight ??= this.requestToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  /** A signed client assertion: iss = sub = client id, aud = token URL, random jti. */
  async assertion(): Promise<string> {
    const { clientId, tokenUrl, key } = this.options;
    const nowSeconds = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ASSERTION_SECONDS)
      .sign(key.privateKey);
  }

  private async requestToken(): Promise<string> {
    const sentAt = this.now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: this.options.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await this.assertion(),
    });
    let response: Response;
    let body: unknown;
    try {
      response = await this.fetch(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = parseJson(await response.text());
    } catch (error) {
      throw new AppError(
        'internal',
        'SMART token endpoint unreachable',
        { transient: true },
        { cause: error },
      );
    }
    if (!response.ok) throw refusal(response.status, body);
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      throw new AppError('internal', 'SMART token endpoint sent no usable bearer token', {
        transient: false,
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.cached = {
      token: parsed.data.access_token,
      refreshAt: sentAt + lifetimeMs - refreshMargin(lifetimeMs),
    };
    return parsed.data.access_token;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Maps a non-2xx token answer; keeps only the OAuth `error` code, never its free text. */
function refusal(status: number, body: unknown): AppError {
  const code = (body as { error?: unknown } | undefined)?.error;
  const error = typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  if (status >= 500 || status === 429 || status === 408) {
    return new AppError('internal', `SMART token endpoint answered HTTP ${status}`, {
      transient: true,
      status,
    });
  }
  return new AppError(
    'unauthorized',
    `SMART token request refused (HTTP ${status}${error ? `, error=${error}` : ''})`,
    { status, ...(error ? { error } : {}) },
  );
}
