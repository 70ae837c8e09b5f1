import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { parseRetryAfter } from '../../../shared/adapters/fhir/classify.js';
import { FhirEhrClient } from '../../../shared/adapters/fhir/fhir-client.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { AccessTokenSource } from '../../../shared/ports/ehr-client.js';
import { type HttpStub, type StubReply, startHttpStub } from './http-stub.js';

const patient: Patient = {
  resourceType: 'Patient',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
  name: [{ family: 'Lovelace' }],
};
const invalid: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Missing required property' }],
};

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A client of a stub FHIR server answering every request with the next reply of `replies` (the last repeats). */
async function clientFor(
  replies: StubReply[],
  options: { timeoutMs?: number; tokens?: AccessTokenSource } = {},
) {
  let next = 0;
  stub = await startHttpStub(() => replies[Math.min(next++, replies.length - 1)] ?? { status: 500 });
  const client = new FhirEhrClient({
    baseUrl: `${stub.url}/fhir/R4/`,
    timeoutMs: options.timeoutMs ?? 2_000,
    now: () => Date.parse('2026-11-25T10:00:00Z'),
    ...(options.tokens ? { tokens: options.tokens } : {}),
  });
  return { client, stub };
}

/** Hands out `token-1`, `token-2`, … and remembers which were invalidated. */
class CountingTokens implements AccessTokenSource {
  issued = 0;
  invalidated: string[] = [];
  private current: string | undefined;
  async getToken(): Promise<string> {
    this.current ??= `token-${++this.issued}`;
    return this.current;
  }
  invalidate(token: string): void {
    this.invalidated.push(token);
    if (token === this.current) this.current = undefined;
  }
}

describe('FhirEhrClient writes', () => {
  it('creates a resource and reads id and version from Location', async () => {
    const { client, stub } = await clientFor([
      { status: 201, headers: { location: 'http://ehr/fhir/R4/Patient/p-1/_history/3' } },
    ]);

    const result = await client.create(patient);

    expect(result).toEqual({
      kind: 'ok',
      status: 201,
      value: {
        id: 'p-1',
        versionId: '3',
        location: 'http://ehr/fhir/R4/Patient/p-1/_history/3',
        status: 201,
      },
    });
    expect(stub.requests[0]).toMatchObject({ method: 'POST', url: '/fhir/R4/Patient' });
    expect(stub.requests[0]?.headers['content-type']).toBe('application/fhir+json');
    expect(JSON.parse(stub.requests[0]?.body ?? '')).toEqual(patient);
  });

  it('sends If-None-Exist and reports the existing resource a conditional create matched', async () => {
    const { client, stub } = await clientFor([
      { status: 200, body: { ...patient, id: 'p-9', meta: { versionId: '1' } } },
    ]);

    const result = await client.create(patient, { ifNoneExist: 'identifier=a%7C1' });

    expect(result).toEqual({ kind: 'ok', status: 200, value: { id: 'p-9', versionId: '1', status: 200 } });
    expect(stub.requests[0]?.headers['if-none-exist']).toBe('identifier=a%7C1');
  });

  it('updates with PUT to the resource id', async () => {
    const { client, stub } = await clientFor([
      { status: 200, body: { ...patient, id: 'p-1' }, headers: { etag: 'W/"4"' } },
    ]);

    const result = await client.update({ ...patient, id: 'p-1' });

    expect(result).toMatchObject({ kind: 'ok', value: { id: 'p-1', versionId: '4' } });
    expect(stub.requests[0]).toMatchObject({ method: 'PUT', url: '/fhir/R4/Patient/p-1' });
  });

  it('posts a transaction bundle to the base URL', async () => {
    const response: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: [] };
    const { client, stub } = await clientFor([{ status: 200, body: response }]);

    const result = await client.transaction({ resourceType: 'Bundle', type: 'transaction', entry: [] });

    expect(result).toEqual({ kind: 'ok', status: 200, value: response });
    expect(stub.requests[0]).toMatchObject({ method: 'POST', url: '/fhir/R4' });
  });
});

describe('FhirEhrClient searches', () => {
  it('searches by identifier token and keeps only resources of the type', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: { ...patient, id: 'p-1' } }, { resource: invalid, search: { mode: 'outcome' } }],
    };
    const { client, stub } = await clientFor([{ status: 200, body: bundle }]);

    const result = await client.findPatientByIdentifier(['a|1', 'b|2']);

    expect(result).toMatchObject({ kind: 'ok', value: [{ id: 'p-1' }] });
    const url = new URL(stub.requests[0]?.url ?? '', stub.url);
    expect(url.pathname).toBe('/fhir/R4/Patient');
    expect(url.searchParams.get('identifier')).toBe('a|1,b|2');
  });
});

describe('FhirEhrClient outcome classes', () => {
  it('keeps the OperationOutcome of a permanent rejection', async () => {
    const { client } = await clientFor([{ status: 422, body: invalid }]);

    expect(await client.create(patient)).toEqual({
      kind: 'rejected',
      status: 422,
      operationOutcome: invalid,
    });
  });

  it('reads Retry-After seconds on 429', async () => {
    const { client } = await clientFor([{ status: 429, headers: { 'retry-after': '3' } }]);

    expect(await client.create(patient)).toEqual({ kind: 'throttled', status: 429, retryAfterMs: 3000 });
  });

  it('reads a Retry-After HTTP-date on 429', async () => {
    const { client } = await clientFor([
      { status: 429, headers: { 'retry-after': 'Wed, 25 Nov 2026 10:00:30 GMT' } },
    ]);

    expect(await client.searchByIdentifier('Patient', 'a|1')).toEqual({
      kind: 'throttled',
      status: 429,
      retryAfterMs: 30_000,
    });
  });

  it('calls a 503 to a write unavailable: nothing was written', async () => {
    const { client } = await clientFor([{ status: 503 }]);

    expect(await client.create(patient)).toMatchObject({ kind: 'unavailable', status: 503 });
  });

  it('calls a 500 to a write an unknown outcome: it may have been written', async () => {
    const { client } = await clientFor([{ status: 500 }]);

    expect(await client.create(patient)).toMatchObject({ kind: 'unknown-outcome', status: 500 });
  });

  it('calls a 500 to a read unavailable', async () => {
    const { client } = await clientFor([{ status: 500 }]);

    expect(await client.searchByIdentifier('Patient', 'a|1')).toMatchObject({
      kind: 'unavailable',
      status: 500,
    });
  });

  it('calls a timed-out write an unknown outcome', async () => {
    const { client } = await clientFor([{ hang: true }], { timeoutMs: 200 });

    expect(await client.create(patient)).toEqual({ kind: 'unknown-outcome', reason: 'timeout' });
  });

  it('calls a timed-out read unavailable', async () => {
    const { client } = await clientFor([{ hang: true }], { timeoutMs: 200 });

    expect(await client.searchByIdentifier('Patient', 'a|1')).toEqual({
      kind: 'unavailable',
      reason: 'timeout',
    });
  });

  it('calls a connection reset after the body was sent an unknown outcome', async () => {
    const { client } = await clientFor([{ reset: true }]);

    expect(await client.create(patient)).toMatchObject({ kind: 'unknown-outcome' });
  });

  it('calls a refused connection unavailable', async () => {
    const { client, stub } = await clientFor([{ status: 201 }]);
    await stub.close();

    expect(await client.create(patient)).toEqual({
      kind: 'unavailable',
      reason: 'connect-failed:ECONNREFUSED',
    });
  });

  it('puts no resource content in the failure it returns', async () => {
    const { client } = await clientFor([
      { status: 500, body: { resourceType: 'OperationOutcome', issue: [] } },
    ]);

    const result = await client.create(patient);

    expect(JSON.stringify(result)).not.toMatch(/Lovelace|9434765919/);
  });
});

describe('FhirEhrClient authorization', () => {
  it('sends the bearer token from its token source', async () => {
    const tokens = new CountingTokens();
    const { client, stub } = await clientFor(
      [{ status: 200, body: { resourceType: 'Bundle', type: 'searchset' } }],
      {
        tokens,
      },
    );

    await client.searchByIdentifier('Patient', 'a|1');

    expect(stub.requests[0]?.headers.authorization).toBe('Bearer token-1');
  });

  it('refreshes the token once after a 401 and retries', async () => {
    const tokens = new CountingTokens();
    const { client, stub } = await clientFor(
      [{ status: 401 }, { status: 201, body: { ...patient, id: 'p-1' } }],
      {
        tokens,
      },
    );

    const result = await client.create(patient);

    expect(result).toMatchObject({ kind: 'ok', value: { id: 'p-1' } });
    expect(tokens.invalidated).toEqual(['token-1']);
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('reports unauthorized when the fresh token is refused too', async () => {
    const { client, stub } = await clientFor([{ status: 401 }], { tokens: new CountingTokens() });

    expect(await client.create(patient)).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(stub.requests).toHaveLength(2);
  });

  it('reports unauthorized without calling the EHR when the token endpoint refuses the client', async () => {
    const tokens: AccessTokenSource = {
      getToken: () => Promise.reject(new AppError('unauthorized', 'SMART token request refused (HTTP 400)')),
      invalidate: () => {},
    };
    const { client, stub } = await clientFor([{ status: 201 }], { tokens });

    expect(await client.create(patient)).toEqual({ kind: 'unauthorized', reason: 'token-request-refused' });
    expect(stub.requests).toHaveLength(0);
  });

  it('reports unavailable when the token endpoint cannot be reached', async () => {
    const tokens: AccessTokenSource = {
      getToken: () =>
        Promise.reject(new AppError('internal', 'SMART token endpoint unreachable', { transient: true })),
      invalidate: () => {},
    };
    const { client } = await clientFor([{ status: 201 }], { tokens });

    expect(await client.create(patient)).toEqual({
      kind: 'unavailable',
      reason: 'token-endpoint-unavailable',
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');

  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores a value that is neither seconds nor a date', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
