import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandboxEhr } from '../../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../../infra/local/ehr/types.js';
import { makeClient, signAssertion, type TestClient, tokenRequest } from './smart-client.js';

let ehr: SandboxEhr;

beforeAll(async () => {
  ehr = await startSandboxEhr({ profile: 'generic-fhir', name: 'auth-test' });
});
afterAll(() => ehr.stop());

async function registered(alg: 'ES384' | 'RS384'): Promise<TestClient> {
  const client = await makeClient(alg);
  ehr.registerClient({ clientId: client.clientId, jwks: client.jwks });
  return client;
}

async function tokenError(response: Response): Promise<{ status: number; error: string }> {
  const body = (await response.json()) as { error: string };
  return { status: response.status, error: body.error };
}

describe('SMART backend services token endpoint', () => {
  test('publishes its token endpoint in .well-known/smart-configuration', async () => {
    const response = await fetch(`${ehr.baseUrl}/.well-known/smart-configuration`);

    const config = (await response.json()) as Record<string, unknown>;
    expect(config.token_endpoint).toBe(ehr.tokenUrl);
    expect(config.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
  });

  test('issues a bearer token for an ES384 client assertion', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 300,
      scope: 'system/*.cruds',
    });
  });

  test('issues a bearer token for an RS384 client assertion', async () => {
    const client = await registered('RS384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    expect(response.status).toBe(200);
  });

  test('verifies assertions against a JWKS fetched from the registered jwksUrl', async () => {
    const client = await makeClient('ES384');
    const jwksServer: Server = createServer((_req, res) => res.end(JSON.stringify(client.jwks)));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    ehr.registerClient({ clientId: client.clientId, jwksUrl });

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    jwksServer.close();
    expect(response.status).toBe(200);
  });

  test('accepts a client registered through POST /_sandbox/clients', async () => {
    const client = await makeClient('RS384');

    const registration = await fetch(`${ehr.origin}/_sandbox/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: client.clientId, jwks: client.jwks }),
    });
    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    expect(registration.status).toBe(201);
    expect(response.status).toBe(200);
  });

  test('refuses a replayed jti with invalid_client', async () => {
    const client = await registered('ES384');
    const assertion = await signAssertion(client, ehr.tokenUrl);
    const first = await tokenRequest(ehr, assertion);

    const replay = await tokenRequest(ehr, assertion);

    expect(first.status).toBe(200);
    expect(await tokenError(replay)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses an assertion signed with a key the client did not register', async () => {
    const client = await registered('ES384');
    const stranger = await makeClient('ES384');

    const response = await tokenRequest(
      ehr,
      await signAssertion(client, ehr.tokenUrl, { signWith: stranger.privateKey }),
    );

    expect(await tokenError(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses an assertion whose audience is not the token URL', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl, { aud: ehr.baseUrl }));

    expect(await tokenError(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses an assertion whose sub differs from iss', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(
      ehr,
      await signAssertion(client, ehr.tokenUrl, { sub: 'someone-else' }),
    );

    expect(await tokenError(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses an assertion that expires more than five minutes ahead', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(
      ehr,
      await signAssertion(client, ehr.tokenUrl, { expiresInSeconds: 600 }),
    );

    expect(await tokenError(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses an assertion from an unregistered client', async () => {
    const client = await makeClient('ES384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    expect(await tokenError(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('refuses a grant type other than client_credentials', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl), {
      grant_type: 'authorization_code',
    });

    expect(await tokenError(response)).toEqual({ status: 400, error: 'unsupported_grant_type' });
  });

  test('refuses a request without client_assertion_type', async () => {
    const client = await registered('ES384');

    const response = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl), {
      client_assertion_type: '',
    });

    expect(await tokenError(response)).toEqual({ status: 400, error: 'invalid_request' });
  });
});

describe('FHIR endpoints behind the token', () => {
  test('refuse a request without a bearer token with 401 and an OperationOutcome', async () => {
    const response = await fetch(`${ehr.baseUrl}/Patient`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'login' }],
    });
  });

  test('refuse a token the server never issued', async () => {
    const response = await fetch(`${ehr.baseUrl}/Patient`, { headers: { authorization: 'Bearer forged' } });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('refuse a token once its lifetime has passed', async () => {
    const shortLived = await startSandboxEhr({ profile: 'generic-fhir', tokenTtlSeconds: 1 });
    const client = await makeClient('ES384');
    shortLived.registerClient({ clientId: client.clientId, jwks: client.jwks });
    const issued = await tokenRequest(shortLived, await signAssertion(client, shortLived.tokenUrl));
    const { access_token, expires_in } = (await issued.json()) as {
      access_token: string;
      expires_in: number;
    };
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const response = await fetch(`${shortLived.baseUrl}/Patient`, {
      headers: { authorization: `Bearer ${access_token}` },
    });

    await shortLived.stop();
    expect(expires_in).toBe(1);
    expect(response.status).toBe(401);
  });

  test('serve /metadata without a token', async () => {
    const response = await fetch(`${ehr.baseUrl}/metadata`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
    });
  });
});
