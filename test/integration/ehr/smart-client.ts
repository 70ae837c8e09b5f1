import { randomUUID } from 'node:crypto';
import type { CryptoKey, JSONWebKeySet } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SandboxEhr } from '../../../infra/local/ehr/types.js';

/** A backend-services client as a test holds it: public JWKS to register, private key to sign. */
export interface TestClient {
  clientId: string;
  alg: 'ES384' | 'RS384';
  kid: string;
  jwks: JSONWebKeySet;
  privateKey: CryptoKey;
}

export async function makeClient(
  alg: 'ES384' | 'RS384',
  clientId = `client-${randomUUID()}`,
): Promise<TestClient> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { clientId, alg, kid, jwks: { keys: [jwk] }, privateKey };
}

/** Claims a test may override to break one thing. */
export interface AssertionOverrides {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  expiresInSeconds?: number;
  signWith?: CryptoKey;
}

export function signAssertion(
  client: TestClient,
  tokenUrl: string,
  o: AssertionOverrides = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: client.alg, kid: client.kid, typ: 'JWT' })
    .setIssuer(o.iss ?? client.clientId)
    .setSubject(o.sub ?? client.clientId)
    .setAudience(o.aud ?? tokenUrl)
    .setJti(o.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresInSeconds ?? 240))
    .sign(o.signWith ?? client.privateKey);
}

export function tokenRequest(
  ehr: SandboxEhr,
  assertion: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: 'system/*.cruds',
    ...extra,
  });
  return fetch(ehr.tokenUrl, { method: 'POST', body: form });
}

/** Registers a fresh ES384 client and returns a valid access token. */
export async function accessToken(ehr: SandboxEhr): Promise<string> {
  const client = await makeClient('ES384');
  ehr.registerClient({ clientId: client.clientId, jwks: client.jwks });
  const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** A FHIR call's outcome as tests inspect it. */
export interface FhirReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { resourceType?: string; id?: string };
}

/** A tiny FHIR client bound to one sandbox and token. */
export function fhirClient(ehr: SandboxEhr, token: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<FhirReply> => {
    const response = await fetch(`${ehr.baseUrl}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', ...init.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init.signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  };
}

export type FhirCall = ReturnType<typeof fhirClient>;
