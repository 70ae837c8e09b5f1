import { randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';
import { readOrCreate } from '../../shared/adapters/fs/create-once.js';

/** Roles an HIM token may carry (docs/him-review.md). */
export const HIM_ROLES = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;
export type HimRole = (typeof HIM_ROLES)[number];

export const DEV_AUDIENCE = 'visitbridge-him';
/** Claim holding the roles: the same claim Cognito uses for groups, so AWS and local read one shape. */
export const ROLES_CLAIM = 'cognito:groups';

export interface DevIssuer {
  issuer: string;
  jwksUrl: string;
  jwks: { keys: JWK[] };
  /** Mints a token as the local development identity provider. */
  mint(input: { user: string; roles: HimRole[]; country?: string; ttlSeconds?: number }): Promise<string>;
}

const ALG = 'ES256';

/**
 * The local runtime's development token issuer: an ES256 key kept in the data
 * folder (mode 0600), a JWKS, and tokens shaped like Cognito's (`sub`,
 * `cognito:groups`, `aud`). Stands in for the OIDC issuer the HTTP API's JWT
 * authorizer trusts in AWS. Never deployed.
 */
export async function createDevIssuer(options: { keyFile: string; issuer: string }): Promise<DevIssuer> {
  const { privateKey, publicJwk } = await loadOrCreate(options.keyFile);
  const kid = 'dev-issuer-1';
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };
  return {
    issuer: options.issuer,
    jwksUrl: `${options.issuer}/.well-known/jwks.json`,
    jwks,
    mint: async ({ user, roles, country, ttlSeconds = 3600 }) =>
      new SignJWT({
        [ROLES_CLAIM]: roles,
        ...(country ? { 'custom:country': country } : {}),
        token_use: 'access',
      })
        .setProtectedHeader({ alg: ALG, kid })
        .setIssuer(options.issuer)
        .setAudience(DEV_AUDIENCE)
        .setSubject(user)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
  };
}

async function loadOrCreate(file: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const pem = await readOrCreate(file, async () =>
    exportPKCS8((await generateKeyPair(ALG, { extractable: true })).privateKey),
  );
  const privateKey = await importPKCS8(pem.toString('utf8'), ALG, { extractable: true });
  const { d: _private, ...publicJwk } = await exportJWK(privateKey);
  return { privateKey, publicJwk };
}
