import { decodeProtectedHeader } from 'jose';
import {
  generateSigningKey,
  publicJwks,
  type SigningAlg,
  type SigningKey,
} from '../../../shared/adapters/smart/signing-key.js';
import { SmartBackendClient } from '../../../shared/adapters/smart/smart-client.js';
import { AppError } from '../../../shared/domain/errors.js';
import { startTokenEndpoint, type TokenEndpoint, type TokenEndpointOptions } from './token-endpoint.js';

const clientId = 'visitbridge-uk';
const keys: Partial<Record<SigningAlg, SigningKey>> = {};
let endpoint: TokenEndpoint | undefined;

beforeAll(async () => {
  keys.ES384 = await generateSigningKey('ES384');
  keys.RS384 = await generateSigningKey('RS384');
});
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

const keyFor = (alg: SigningAlg): SigningKey => {
  const key = keys[alg];
  if (!key) throw new Error(`no ${alg} key`);
  return key;
};

/** A client of a fresh token endpoint that trusts the client's public key; `clock.ms` moves its time. */
async function setUp(alg: SigningAlg = 'ES384', options: Partial<TokenEndpointOptions> = {}) {
  const key = keyFor(alg);
  const clock = { ms: Date.now() };
  endpoint = await startTokenEndpoint({ clientId, jwks: publicJwks([key]), now: () => clock.ms, ...options });
  const client = new SmartBackendClient({
    tokenUrl: endpoint.tokenUrl,
    clientId,
    scope: 'system/DocumentReference.write',
    key,
    timeoutMs: 2_000,
    now: () => clock.ms,
  });
  return { client, endpoint, clock };
}

describe('SmartBackendClient token requests', () => {
  it.each(['ES384', 'RS384'] as const)(
    'gets a token with a %s assertion the endpoint verifies',
    async (alg) => {
      const { client, endpoint } = await setUp(alg);

      const token = await client.getToken();

      expect(token).toBe('access-1');
      const assertion = endpoint.forms[0]?.get('client_assertion') ?? '';
      expect(decodeProtectedHeader(assertion)).toMatchObject({ alg, kid: keyFor(alg).kid });
      expect(endpoint.forms[0]?.get('scope')).toBe('system/DocumentReference.write');
    },
  );

  it('signs each assertion with a fresh jti and an expiry within five minutes', async () => {
    const { client, endpoint } = await setUp();

    const first = await client.assertion();
    await client.getToken();
    client.invalidate('access-1');
    await client.getToken();

    expect(first).not.toBe(endpoint.forms[0]?.get('client_assertion'));
    const [a, b] = endpoint.assertions;
    expect(a?.jti).not.toBe(b?.jti);
    expect((a?.exp ?? 0) - (a?.iat ?? 0)).toBeLessThanOrEqual(300);
  });
});

describe('SmartBackendClient cache', () => {
  it('reuses the token until 60 s before a one-hour expiry', async () => {
    const { client, endpoint, clock } = await setUp('ES384', { expiresIn: 3600 });
    const start = clock.ms;
    await client.getToken();

    clock.ms = start + 3_539_000;
    const cached = await client.getToken();
    clock.ms = start + 3_541_000;
    const fresh = await client.getToken();

    expect([cached, fresh]).toEqual(['access-1', 'access-2']);
    expect(endpoint.assertions).toHaveLength(2);
  });

  it('refreshes a short-lived token when 10% of its life is left', async () => {
    const { client, clock } = await setUp('ES384', { expiresIn: 100 });
    const start = clock.ms;
    await client.getToken();

    clock.ms = start + 89_000;
    const cached = await client.getToken();
    clock.ms = start + 91_000;
    const fresh = await client.getToken();

    expect([cached, fresh]).toEqual(['access-1', 'access-2']);
  });

  it('shares one token request among concurrent callers', async () => {
    const { client, endpoint } = await setUp('ES384', { delayMs: 50 });

    const tokens = await Promise.all(Array.from({ length: 10 }, () => client.getToken()));

    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.forms).toHaveLength(1);
  });

  it('fetches a new token after the EHR refused the cached one', async () => {
    const { client } = await setUp();
    const refused = await client.getToken();

    client.invalidate(refused);

    expect(await client.getToken()).toBe('access-2');
  });
});

describe('SmartBackendClient errors', () => {
  it('reports a refused client as unauthorized with the OAuth error code only', async () => {
    const { client } = await setUp('ES384', {
      fail: { status: 401, body: { error: 'invalid_client', error_description: 'client secret-ish detail' } },
    });

    const error = await client.getToken().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'unauthorized',
      extensions: { status: 401, error: 'invalid_client' },
    });
    expect((error as AppError).message).not.toMatch(/secret-ish|eyJ/);
  });

  it('reports a failing token endpoint as a transient internal error', async () => {
    const { client } = await setUp('ES384', { fail: { status: 503, body: {} } });

    await expect(client.getToken()).rejects.toMatchObject({
      code: 'internal',
      extensions: { transient: true, status: 503 },
    });
  });

  it('reports an unreachable token endpoint as transient, with the cause kept', async () => {
    const { client, endpoint } = await setUp();
    await endpoint.close();

    const error = (await client.getToken().catch((e: unknown) => e)) as AppError;

    expect(error).toMatchObject({ code: 'internal', extensions: { transient: true } });
    expect(error.cause).toBeDefined();
  });

  it('rejects a 200 answer that holds no bearer token', async () => {
    const { client } = await setUp('ES384', { fail: { status: 200, body: { token_type: 'bearer' } } });

    await expect(client.getToken()).rejects.toMatchObject({
      code: 'internal',
      extensions: { transient: false },
    });
  });
});
