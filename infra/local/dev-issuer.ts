import { randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';
import * as z from 'zod';
import { readOrCreate } from '../../shared/adapters/fs/create-once.js';

/** Roles an HIM token may carry (docs/him-review.md). */
export const HIM_ROLES = ['him-reviewer', 'privacy-officer', 'integration-admin'] as const;
export type HimRole = (typeof HIM_ROLES)[number];

/** The HIM API as a resource (RFC 8707 needs an absolute URI). */
export const DEV_AUDIENCE = 'urn:visitbridge:him';
/** Claim holding the roles: the same claim Cognito uses for groups, so AWS and local read one shape. */
export const ROLES_CLAIM = 'cognito:groups';

/** A development user: who signs in locally, with which HIM roles, from which country (absent: unknown). */
export const DevUser = z.object({
  user: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits, ".", "_", "@" or "-", at most 64'),
  roles: z.array(z.enum(HIM_ROLES)).min(1, 'choose at least one role'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an upper-case ISO 3166-1 alpha-2 code such as GB')
    .optional(),
});
export type DevUser = z.infer<typeof DevUser>;

export interface DevIssuer {
  issuer: string;
  jwksUrl: string;
  jwks: { keys: JWK[] };
  /** The private signing key as a JWK (with `kid` and `alg`), for the local OpenID provider. */
  signingJwk: JWK;
  /** Mints a token as the local development identity provider. */
  mint(input: DevUser & { ttlSeconds?: number }): Promise<string>;
}

const ALG = 'ES256';

/**
 * The local runtime's development token issuer: an ES256 key kept in the data
 * folder (mode 0600), a JWKS, and tokens shaped like Cognito's (`sub`,
 * `cognito:groups`, `aud`). Stands in for the OIDC issuer the HTTP API's JWT
 * authorizer trusts in AWS. Never deployed.
 */
export async function createDevIssuer(options: { keyFile: string; issuer: string }): Promise<DevIssuer> {
  const { privateKey, privateJwk, publicJwk } = await loadOrCreate(options.keyFile);
  const kid = 'dev-issuer-1';
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };
  return {
    issuer: options.issuer,
    jwksUrl: `${options.issuer}/.well-known/jwks.json`,
    jwks,
    signingJwk: { ...privateJwk, kid, alg: ALG, use: 'sig' },
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

async function loadOrCreate(
  file: string,
): Promise<{ privateKey: CryptoKey; privateJwk: JWK; publicJwk: JWK }> {
  const pem = await readOrCreate(file, async () =>
    exportPKCS8((await generateKeyPair(ALG, { extractable: true })).privateKey),
  );
  const privateKey = await importPKCS8(pem.toString('utf8'), ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const { d: _private, ...publicJwk } = privateJwk;
  return { privateKey, privateJwk, publicJwk };
}
