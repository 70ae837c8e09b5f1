import type { ResidencyPolicy } from '../../shared/domain/policy/model.js';
import type { LocalCell } from './cells.js';
import type { LocalEhrs } from './ehrs.js';

/** The `/healthz` document: where every part of the stack is. */
export function healthDocument(input: {
  url: string;
  dynamoEndpoint: string;
  persistent: boolean;
  dataDir: string;
  policy: ResidencyPolicy;
  cells: LocalCell[];
  ehrs: LocalEhrs;
}): Record<string, unknown> {
  const { url } = input;
  return {
    status: 'ok',
    url,
    policyVersion: input.policy.policyVersion,
    dynamodb: { endpoint: input.dynamoEndpoint, persistent: input.persistent },
    dataDir: input.dataDir,
    console: `${url}/console/`,
    devIssuer: { jwks: `${url}/dev-issuer/.well-known/jwks.json`, token: `${url}/dev-issuer/token` },
    schemas: { openapi: `${url}/openapi.json`, event: `${url}/schemas/visit-note-event.v1.json` },
    cells: Object.fromEntries(
      input.cells.map((c) => [
        c.id,
        {
          jurisdiction: c.jurisdiction.name,
          region: c.jurisdiction.region,
          countries: c.jurisdiction.countries,
          baseUrl: c.baseUrl,
          webhookUrl: `${c.baseUrl}v1/webhooks/{senderId}`,
          himApi: `${c.baseUrl}v1/him/`,
          table: c.tableName,
          ehrTargets: input.policy.ehrTargets
            .filter((t) => t.jurisdiction === c.id)
            .map((t) => ({
              id: t.id,
              profile: t.profile,
              sandbox: input.ehrs.sandboxes.has(t.id),
              ...input.ehrs.endpoints[t.id],
            })),
        },
      ]),
    ),
  };
}

/** A Host header as a client may send it: name or IPv4 or [IPv6], optional port. Anything else is ignored. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The OpenAPI `servers` of the local stack: one per cell, at the host and port
 * the caller reached (its `Host` header), so "try it" in a viewer on another
 * machine or behind a port forward calls this stack. `fallbackUrl` serves a
 * request without a usable Host.
 */
export function cellServers(
  host: string | undefined,
  fallbackUrl: string,
  cells: ReadonlyArray<{ id: string; name: string }>,
): Array<{ url: string; description: string }> {
  const origin = host && HOST.test(host) ? `http://${host}` : fallbackUrl;
  return cells.map((c) => ({ url: `${origin}/${c.id}`, description: `${c.name} cell (${c.id})` }));
}
