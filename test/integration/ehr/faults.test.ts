import { randomUUID } from 'node:crypto';
import { startSandboxEhr } from '../../../infra/local/ehr/index.js';
import type { SandboxEhr } from '../../../infra/local/ehr/types.js';
import { patient } from './fixtures.js';
import {
  accessToken,
  type FhirCall,
  fhirClient,
  makeClient,
  signAssertion,
  tokenRequest,
} from './smart-client.js';

let ehr: SandboxEhr;
let fhir: FhirCall;

beforeAll(async () => {
  ehr = await startSandboxEhr({ profile: 'generic-fhir', name: 'faults-test' });
  fhir = fhirClient(ehr, await accessToken(ehr));
});
afterEach(() => ehr.resetFaults());
afterAll(() => ehr.stop());

const countPatients = async (value: string): Promise<unknown> =>
  (await fhir('GET', `Patient?identifier=urn:test:mrn|${value}`)).body.total;

/** The undici error code under fetch's "fetch failed" (Jest's realms defeat instanceof TypeError). */
const failureCode = (attempt: Promise<unknown>): Promise<unknown> =>
  attempt.then(
    () => 'no error',
    (error: { cause?: { code?: string } }) => error.cause?.code,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault injection', () => {
  test('503 for the next N requests, then normal service', async () => {
    ehr.setFaults({ rules: [{ kind: 'status', status: 503, count: 2, retryAfterSeconds: 1 }] });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fhir('GET', 'Patient?_summary=count')).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  test('a status fault before processing stores nothing', async () => {
    ehr.setFaults({ rules: [{ kind: 'status', status: 500, count: 1 }] });
    const value = randomUUID();

    const reply = await fhir('POST', 'Patient', patient(value));

    expect(reply.status).toBe(500);
    expect(reply.body.resourceType).toBe('OperationOutcome');
    expect(await countPatients(value)).toBe(0);
  });

  test('a status fault after commit answers 500 yet stores the resource', async () => {
    ehr.setFaults({ rules: [{ kind: 'status', status: 500, when: 'after-commit', count: 1 }] });
    const value = randomUUID();

    const reply = await fhir('POST', 'Patient', patient(value));

    expect(reply.status).toBe(500);
    expect(await countPatients(value)).toBe(1);
  });

  test('probabilistic faults repeat exactly for the same seed', async () => {
    const config = { seed: 42, rules: [{ kind: 'status' as const, status: 500 as const, probability: 0.5 }] };
    const run = async () => {
      ehr.setFaults(config);
      const statuses = [];
      for (let i = 0; i < 16; i++) statuses.push((await fhir('GET', 'Patient?_summary=count')).status);
      return statuses;
    };

    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  test('429 carries Retry-After', async () => {
    ehr.setFaults({ rules: [{ kind: 'rate-limit', retryAfterSeconds: 7, count: 1 }] });

    const reply = await fhir('GET', 'Patient?_summary=count');

    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
  });

  test('rules can target one method and resource type', async () => {
    ehr.setFaults({
      rules: [{ kind: 'status', status: 503, methods: ['POST'], resourceTypes: ['Encounter'] }],
    });

    const read = await fhir('GET', 'Patient?_summary=count');
    const write = await fhir('POST', 'Patient', patient(randomUUID()));

    expect([read.status, write.status]).toEqual([200, 201]);
  });

  test('a slow response makes the client time out, and the unprocessed write is dropped', async () => {
    ehr.setFaults({ rules: [{ kind: 'delay', delayMs: 400, count: 1 }] });
    const value = randomUUID();

    const attempt = fhir('POST', 'Patient', patient(value), { signal: AbortSignal.timeout(100) });

    await expect(attempt).rejects.toThrow();
    await sleep(500);
    expect(await countPatients(value)).toBe(0);
  });

  test('commit-then-delay stores the write although the client timed out', async () => {
    ehr.setFaults({ rules: [{ kind: 'delay', delayMs: 400, when: 'after-commit', count: 1 }] });
    const value = randomUUID();

    const attempt = fhir('POST', 'Patient', patient(value), { signal: AbortSignal.timeout(100) });

    await expect(attempt).rejects.toThrow();
    expect(await countPatients(value)).toBe(1);
  });

  test('a delay shorter than the client timeout only slows the answer', async () => {
    ehr.setFaults({ rules: [{ kind: 'delay', delayMs: 150, count: 1 }] });
    const started = Date.now();

    const reply = await fhir('POST', 'Patient', patient(randomUUID()));

    expect(reply.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('reset after commit: the client sees a socket error but the resource exists', async () => {
    ehr.setFaults({ rules: [{ kind: 'reset', when: 'after-commit', count: 1 }] });
    const value = randomUUID();

    const attempt = fhir('POST', 'Patient', patient(value));

    expect(await failureCode(attempt)).toBe('UND_ERR_SOCKET');
    expect(await countPatients(value)).toBe(1);
  });

  test('reset before processing drops the connection and stores nothing', async () => {
    ehr.setFaults({ rules: [{ kind: 'reset', when: 'before', count: 1 }] });
    const value = randomUUID();

    const attempt = fhir('POST', 'Patient', patient(value));

    expect(await failureCode(attempt)).toBe('UND_ERR_SOCKET');
    expect(await countPatients(value)).toBe(0);
  });

  test('faults can target the token endpoint', async () => {
    const client = await makeClient('ES384');
    ehr.registerClient({ clientId: client.clientId, jwks: client.jwks });
    ehr.setFaults({
      rules: [{ kind: 'status', status: 503, target: 'token', count: 1, retryAfterSeconds: 2 }],
    });

    const failed = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));
    const retried = await tokenRequest(ehr, await signAssertion(client, ehr.tokenUrl));

    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
    expect(retried.status).toBe(200);
  });

  test('stop() ends a pending delayed response instead of waiting for it', async () => {
    const slow = await startSandboxEhr({ profile: 'generic-fhir' });
    const call = fhirClient(slow, await accessToken(slow));
    slow.setFaults({ rules: [{ kind: 'delay', delayMs: 60_000 }] });
    const pending = call('GET', 'Patient').catch(() => 'connection closed');
    await sleep(50);
    const started = Date.now();

    await slow.stop();

    expect(await pending).toBe('connection closed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('setFaults rejects an invalid configuration with a TypeError', () => {
    expect(() => ehr.setFaults({ rules: [{ kind: 'status', status: 418 as 500 }] })).toThrow(TypeError);
  });
});

describe('the control API', () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${ehr.origin}/_sandbox/${path}`, {
      method: body === undefined && !path.startsWith('reset') ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('POST /_sandbox/faults arms rules without a token and GET shows how often they fired', async () => {
    const armed = await control('faults', { rules: [{ kind: 'status', status: 503, count: 1 }] });
    await fhir('GET', 'Patient?_summary=count');

    const state = await (await control('faults')).json();

    expect(armed.status).toBe(200);
    expect(state.rules).toEqual([
      expect.objectContaining({ kind: 'status', status: 503, count: 1, fired: 1 }),
    ]);
  });

  test('POST /_sandbox/faults answers 400 to an invalid configuration', async () => {
    const reply = await control('faults', { rules: [{ kind: 'explode' }] });

    expect(reply.status).toBe(400);
  });

  test('POST /_sandbox/reset clears every rule', async () => {
    await control('faults', { rules: [{ kind: 'status', status: 500 }] });

    const reset = await control('reset');

    const reply = await fhir('GET', 'Patient?_summary=count');
    expect(reset.status).toBe(200);
    expect(reply.status).toBe(200);
  });

  test('GET /_sandbox/stats counts stored resources by type and requests served', async () => {
    const isolated = await startSandboxEhr({ profile: 'generic-fhir', name: 'stats' });
    const call = fhirClient(isolated, await accessToken(isolated));
    await call('POST', 'Patient', patient(randomUUID()));
    await call('POST', 'Patient', patient(randomUUID()));

    const stats = await (await fetch(`${isolated.origin}/_sandbox/stats`)).json();

    await isolated.stop();
    expect(stats).toMatchObject({
      name: 'stats',
      profile: 'generic-fhir',
      resources: { Patient: 2 },
      requests: { fhir: 2, token: 1 },
      tokensIssued: 1,
    });
  });
});
