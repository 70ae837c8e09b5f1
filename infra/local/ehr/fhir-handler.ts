import type { IncomingHttpHeaders } from 'node:http';
import { getStatus, isOk } from '@medplum/core';
import type { FhirRequest, FhirRouter, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { buildCapabilityStatement } from './capability.js';
import { fhirError, type HttpResult } from './http-io.js';
import { type EhrProfile, SUPPORTED_RESOURCE_TYPES } from './profiles.js';
import type { SandboxRepository } from './repository.js';

/** A FHIR request as the HTTP layer hands it over: path relative to the FHIR base. */
export interface FhirHttpRequest {
  method: string;
  /** Path below the base without leading slash, e.g. `Patient/123`; `''` for the base itself. */
  path: string;
  /** Raw query string including `?`, or `''`. */
  search: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FhirHandlerDeps {
  router: FhirRouter;
  repo: SandboxRepository;
  profile: () => EhrProfile;
  name: string;
  baseUrl: string;
  tokenUrl: string;
}

const ALLOWED_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
const SUPPORTED = new Set<string>(SUPPORTED_RESOURCE_TYPES);

/**
 * Turns FHIR REST calls into Medplum router calls and adds what the router leaves
 * out: `/metadata`, ETag / Location / Last-Modified headers, the profile's refusals
 * (transactions, conditional create) and one-at-a-time writes so conditional
 * create cannot race.
 */
export class FhirHandler {
  readonly #deps: FhirHandlerDeps;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(deps: FhirHandlerDeps) {
    this.#deps = deps;
  }

  /** The CapabilityStatement for the active profile (served without a token). */
  metadata(): HttpResult {
    const { profile, baseUrl, tokenUrl, name } = this.#deps;
    return { status: 200, body: buildCapabilityStatement(profile(), { baseUrl, tokenUrl, name }) };
  }

  /** Handles one authorised FHIR request; never throws. */
  async handle(req: FhirHttpRequest): Promise<HttpResult> {
    const refused = this.#refusal(req);
    if (refused) return refused;
    if (req.method === 'GET') return this.#route(req);
    const run = this.#writes.then(() => this.#route(req));
    this.#writes = run.catch(() => undefined);
    return run;
  }

  #refusal(req: FhirHttpRequest): HttpResult | undefined {
    if (req.method === 'GET' && req.path === 'metadata') return this.metadata();
    if (!ALLOWED_METHODS.has(req.method)) {
      return fhirError(405, 'not-supported', `${req.method} is not supported`, {
        allow: 'GET, POST, PUT, DELETE',
      });
    }
    if ((req.method === 'POST' || req.method === 'PUT') && !isJsonObject(req.body)) {
      return fhirError(400, 'structure', 'Request body must be a JSON resource');
    }
    const [resourceType] = req.path.split('/');
    if (req.path === '') return req.method === 'POST' ? this.#bundleRefusal(req.body) : notFound();
    if (!resourceType || !SUPPORTED.has(resourceType)) return notFound();
    return undefined;
  }

  #bundleRefusal(body: unknown): HttpResult | undefined {
    const type = (body as { resourceType?: string; type?: string } | undefined)?.type;
    const profile = this.#deps.profile();
    if ((type === 'transaction' && !profile.transactions) || (type === 'batch' && !profile.batch)) {
      return fhirError(400, 'not-supported', `${type} Bundles are not supported by this server`);
    }
    return undefined;
  }

  async #route(req: FhirHttpRequest): Promise<HttpResult> {
    const headers = { ...req.headers };
    if (!this.#deps.profile().conditionalCreate) delete headers['if-none-exist'];
    const fhirRequest: FhirRequest = {
      method: req.method as HttpMethod,
      url: req.path + req.search,
      pathname: '',
      params: {},
      query: {},
      body: req.body,
      headers,
      config: { transactions: true },
    };
    const [outcome, resource] = await this.#deps.router.handleRequest(fhirRequest, this.#deps.repo);
    const status = getStatus(outcome);
    if (!isOk(outcome) || !resource) return { status, body: outcome };
    if (resource.resourceType === 'Bundle') this.#addFullUrls(resource);
    return { status, headers: this.#resourceHeaders(req, resource), body: resource };
  }

  #addFullUrls(bundle: Bundle): void {
    for (const entry of bundle.entry ?? []) {
      const { resource } = entry;
      if (resource?.id) entry.fullUrl = `${this.#deps.baseUrl}/${resource.resourceType}/${resource.id}`;
    }
  }

  #resourceHeaders(req: FhirHttpRequest, resource: Resource): Record<string, string> {
    const { id, meta, resourceType } = resource;
    if (!id || !meta?.versionId || resourceType === 'Bundle') return {};
    const versionUrl = `${this.#deps.baseUrl}/${resourceType}/${id}/_history/${meta.versionId}`;
    const headers: Record<string, string> = { etag: `W/"${meta.versionId}"` };
    if (meta.lastUpdated) headers['last-modified'] = new Date(meta.lastUpdated).toUTCString();
    headers[req.method === 'GET' ? 'content-location' : 'location'] = versionUrl;
    return headers;
  }
}

const isJsonObject = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body);

const notFound = (): HttpResult => fhirError(404, 'not-found', 'Unsupported resource type or path');
