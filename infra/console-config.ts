import { createRequire } from 'node:module';

/**
 * `config.json` of the HIM console, written by the local runtime and by CDK: the cells it
 * may talk to and how HIM users sign in (authorization code with PKCE at the cell's
 * identity provider: Cognito managed login in AWS, the development provider locally).
 */
export interface ConsoleConfig {
  cells: ConsoleCell[];
  /** Absent only when an external issuer is configured without its sign-in endpoints. */
  signIn?: ConsoleSignIn;
}

/** One cell the console may talk to; `apiBase` ends with `/` (the console calls `<apiBase>v1/him/…`). */
export interface ConsoleCell {
  id: string;
  name: string;
  region: string;
  apiBase: string;
}

/** An OAuth 2.0 public client the console signs in with (RFC 6749 code flow, RFC 7636 PKCE S256). */
export interface ConsoleSignIn {
  /** The OpenID issuer; the ID token's `iss` must equal it. */
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Space-separated scopes to ask for; includes `openid`. */
  scope: string;
  /** The JWS algorithm the issuer signs ID tokens with (Cognito: RS256). */
  idTokenSigningAlg: string;
}

/** The origins the console's CSP must let it connect to: the cells' APIs and the token endpoint. */
export function consoleConnectOrigins(config: ConsoleConfig): string[] {
  const urls = [...config.cells.map((c) => c.apiBase), config.signIn?.tokenEndpoint];
  return [...new Set(urls.flatMap((url) => (url ? [new URL(url).origin] : [])))];
}

/**
 * Files the console loads from npm packages, by their path under the console: the OAuth
 * client library (`oauth4webapi`, dependency-free ES module). Served locally, deployed in AWS.
 */
export const CONSOLE_VENDOR_FILES: Readonly<Record<string, string>> = {
  'js/vendor/oauth4webapi.js': createRequire(import.meta.url).resolve('oauth4webapi'),
};
