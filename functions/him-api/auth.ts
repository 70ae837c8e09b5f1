import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { HIM_ROLE_NAMES, type HimRoleName } from '../../shared/domain/audit/entry.js';
import { isCountryCode } from '../../shared/domain/countries.js';
import { AppError } from '../../shared/domain/errors.js';

/** The verified caller of an HIM request. */
export interface Principal {
  /** The token's `sub`. */
  user: string;
  /** HIM roles found in the roles claim; other groups are ignored. */
  roles: HimRoleName[];
  /**
   * Where the viewer is, from the token's `custom:country`: an ISO 3166-1 alpha-2
   * country, or why the token does not say (PHI routes refuse such a token).
   */
  location: { country: string } | { unknown: 'missing' | 'malformed' | 'not-a-country' };
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
 * `iss`, a required and unexpired `exp`, audience, a `sub`, and an access token
 * where the issuer says which token it is (Cognito's `token_use`). The API Gateway JWT authorizer checks the
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
      ({ payload } = await jwtVerify(match[1], options.jwks, {
        issuer: options.issuer,
        requiredClaims: ['exp'],
      }));
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
    // Cognito says which token it is: an ID token proves a sign-in, not a grant to call the API.
    if (payload.token_use !== undefined && payload.token_use !== 'access')
      throw unauthorized('send an access token, not an ID token');
    return {
      user: payload.sub,
      roles: rolesOf(payload[options.rolesClaim]),
      location: locationOf(payload['custom:country']),
    };
  };
}

function locationOf(claim: unknown): Principal['location'] {
  if (claim === undefined || claim === null || claim === '') return { unknown: 'missing' };
  if (typeof claim !== 'string' || !/^[A-Z]{2}$/.test(claim)) return { unknown: 'malformed' };
  return isCountryCode(claim) ? { country: claim } : { unknown: 'not-a-country' };
}

const LOCATION_PROBLEMS = {
  missing: 'the token carries no custom:country',
  malformed: "the token's custom:country is not an upper-case ISO 3166-1 alpha-2 code",
  'not-a-country': "the token's custom:country names no country",
} as const;

/**
 * The viewer's country, which decides whether reading PHI is a cross-border access.
 *
 * @throws AppError('viewer-country-unknown') naming why, when the token does not say: fail closed.
 */
export function viewerCountry(principal: Principal): string {
  const { location } = principal;
  if ('country' in location) return location.country;
  throw new AppError(
    'viewer-country-unknown',
    `${LOCATION_PROBLEMS[location.unknown]}; an administrator sets it on the user (custom:country), and it is needed to view PHI`,
    { reason: location.unknown },
  );
}

/** The first of the caller's roles that `allowed` accepts, or undefined when none is. */
export const grantingRole = (
  principal: Principal,
  allowed: readonly HimRoleName[],
): HimRoleName | undefined => principal.roles.find((role) => allowed.includes(role));
