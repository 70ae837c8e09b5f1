import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { isAppError } from '../../domain/errors.js';
import type {
  AccessTokenSource,
  CreateOptions,
  EhrClient,
  EhrFailure,
  EhrResult,
  WriteReceipt,
} from '../../ports/ehr-client.js';
import { classifyNetworkError, classifyStatus, parseRetryAfter } from './classify.js';

export interface FhirClientOptions {
  /** FHIR base URL, e.g. `https://ehr.example/fhir/R4`. */
  baseUrl: string;
  /** Budget for each request, response body included. */
  timeoutMs: number;
  /** Bearer tokens (SMART Backend Services); absent for an open server. */
  tokens?: AccessTokenSource;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const FHIR_JSON = 'application/fhir+json';
const LOCATION = /([A-Za-z]+)\/([A-Za-z0-9.-]{1,64})(?:\/_history\/([A-Za-z0-9.-]{1,64}))?\/?$/;

/**
 * FHIR R4 REST client over plain `fetch`. Every failure comes back classified
 * (see `EhrOutcomeKind`); nothing is thrown for EHR or network trouble, and no
 * error reason carries a resource, a URL query or a token.
 *
 * @example
 * const ehr = new FhirEhrClient({ baseUrl, timeoutMs: 10_000, tokens: smartClient });
 * const found = await ehr.searchByIdentifier('DocumentReference', token);
 */
export class FhirEhrClient implements EhrClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: FhirClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  findPatientByIdentifier(tokens: readonly string[]): Promise<EhrResult<Patient[]>> {
    return this.searchByIdentifier<Patient>('Patient', tokens.join(','));
  }

  async searchByIdentifier<T extends Resource>(
    type: T['resourceType'],
    token: string,
  ): Promise<EhrResult<T[]>> {
    const query = new URLSearchParams({ identifier: token });
    const answer = await this.send('GET', `/${type}?${query}`);
    if ('kind' in answer) return answer;
    const bundle = answer.body as Bundle | undefined;
    const found = (bundle?.entry ?? []).flatMap((e) =>
      e.resource?.resourceType === type ? [e.resource as T] : [],
    );
    return { kind: 'ok', status: answer.status, value: found };
  }

  async create<T extends Resource>(
    resource: T,
    options: CreateOptions = {},
  ): Promise<EhrResult<WriteReceipt>> {
    const headers: Record<string, string> = options.ifNoneExist
      ? { 'if-none-exist': options.ifNoneExist }
      : {};
    return this.write('POST', `/${resource.resourceType}`, resource, headers);
  }

  update<T extends Resource>(resource: T & { id: string }): Promise<EhrResult<WriteReceipt>> {
    return this.write('PUT', `/${resource.resourceType}/${encodeURIComponent(resource.id)}`, resource, {});
  }

  async transaction(bundle: Bundle): Promise<EhrResult<Bundle>> {
    const answer = await this.send('POST', '', bundle);
    if ('kind' in answer) return answer;
    return { kind: 'ok', status: answer.status, value: answer.body as Bundle };
  }

  private async write(
    method: 'POST' | 'PUT',
    path: string,
    resource: Resource,
    headers: Record<string, string>,
  ): Promise<EhrResult<WriteReceipt>> {
    const answer = await this.send(method, path, resource, headers);
    if ('kind' in answer) return answer;
    const receipt = readReceipt(answer, resource.resourceType);
    if (!receipt) return { kind: 'unknown-outcome', status: answer.status, reason: 'no-id-in-response' };
    return { kind: 'ok', status: answer.status, value: receipt };
  }

  /** One request, with one retry on a fresh token after a 401. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer | EhrFailure> {
    const write = method !== 'GET';
    for (let tries = 0; ; tries++) {
      const token = await this.token();
      if (typeof token === 'object') return token;
      const headers: Record<string, string> = { accept: FHIR_JSON, ...extraHeaders };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = FHIR_JSON;
      let answer: Answer;
      try {
        const response = await this.fetch(`${this.base}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = await response.text();
        answer = { status: response.status, headers: response.headers, body: parseJson(text) };
      } catch (error) {
        return classifyNetworkError(error, write);
      }
      if (answer.status === 401 && token && tries === 0) {
        this.options.tokens?.invalidate(token);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'), this.now());
      return classifyStatus(answer.status, write, answer.body, retryAfterMs);
    }
  }

  /** The bearer token, `undefined` for an open server, or the failure to get one. */
  private async token(): Promise<string | undefined | EhrFailure> {
    if (!this.options.tokens) return undefined;
    try {
      return await this.options.tokens.getToken();
    } catch (error) {
      if (isAppError(error) && error.code === 'unauthorized') {
        return { kind: 'unauthorized', reason: 'token-request-refused' };
      }
      return { kind: 'unavailable', reason: 'token-endpoint-unavailable' };
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Id and version of a written resource, from the body, else `Location`, else `ETag`. */
function readReceipt(answer: Answer, type: string): WriteReceipt | undefined {
  const location = answer.headers.get('location') ?? answer.headers.get('content-location') ?? undefined;
  const fromLocation = location ? LOCATION.exec(location) : null;
  const body = answer.body as Resource | undefined;
  const resource = body?.resourceType === type ? body : undefined;
  const id = resource?.id ?? fromLocation?.[2];
  if (!id) return undefined;
  const etag = /^(?:W\/)?"([^"]+)"$/.exec(answer.headers.get('etag') ?? '')?.[1];
  const versionId = resource?.meta?.versionId ?? fromLocation?.[3] ?? etag;
  return {
    id,
    status: answer.status,
    ...(versionId ? { versionId } : {}),
    ...(location ? { location } : {}),
  };
}
