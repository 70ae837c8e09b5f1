import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { HIM_ROLE_NAMES, type HimRoleName } from '../../shared/domain/audit/entry.js';
import { AppError } from '../../shared/domain/errors.js';

/** The verified caller of an HIM request. */
export interface Principal {
  /** The token's `sub`. */
  user: string;
  /** HIM roles found in the roles claim; other groups are ignored. */
  roles: HimRoleName[];
  /** Where the viewer is (`custom:country`, ISO alpha-2), when the identity provider says. */
  country?: string;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** `createRemoteJWKSet(new URL(HIM_JWKS_URL))` in production; a local key set in tests. */
  jwks: JWTVerifyGetKey;
  rolesClaim: string;
}

/** Checks an `Authorization` header and returns the caller. */
export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

const unauthorized = (detail: string, cause?: unknown) =>
  new AppError('unauthorized', detail, {}, cause === undefined ? undefined : { cause });

/** `aud` holds the audience (OIDC ID tokens, the dev issuer) or `client_id` is it (Cognito access tokens). */
function audienceMatches(payload: JWTPayload, audience: string): boolean {
  const aud = payload.aud;
  if (Array.isArray(aud) ? aud.includes(audience) : aud === audience) return true;
  return payload.client_id === audience;
}

function rolesOf(claim: unknown): HimRoleName[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  return HIM_ROLE_NAMES.filter((role) => values.includes(role));
}

/**
 * Verifies HIM bearer tokens with jose: signature against the issuer's JWKS,
 * `iss`, expiry, audience, a `sub`. The API Gateway JWT authorizer checks the
 * same in AWS; this is defence in depth there and the only check locally.
 *
 * @throws AppError('unauthorized') for a missing, malformed, expired or foreign token;
 *   AppError('storage-unavailable') when the JWKS cannot be fetched.
 */
export function tokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (authorization) => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthorized('send an HIM access token as "Authorization: Bearer <token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], options.jwks, { issuer: options.issuer }));
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw unauthorized('the token has expired; sign in again', error);
      if (error instanceof errors.JWTClaimValidationFailed)
        throw unauthorized(`the token's "${error.claim}" claim is not accepted by this cell`, error);
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError))
        throw new AppError('storage-unavailable', 'token keys unavailable', {}, { cause: error });
      throw unauthorized('the token is not valid for this cell (signature, key or format)', error);
    }
    if (!audienceMatches(payload, options.audience))
      throw unauthorized('the token was issued for another audience');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0)
      throw unauthorized('the token has no subject');
    const country = payload['custom:country'];
    return {
      user: payload.sub,
      roles: rolesOf(payload[options.rolesClaim]),
      ...(typeof country === 'string' && /^[A-Z]{2}$/.test(country) ? { country } : {}),
    };
  };
}

/** The first of the caller's roles that `allowed` accepts, or undefined when none is. */
export const grantingRole = (
  principal: Principal,
  allowed: readonly HimRoleName[],
): HimRoleName | undefined => principal.roles.find((role) => allowed.includes(role));
