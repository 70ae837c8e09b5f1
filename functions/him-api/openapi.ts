import type { ErrorCode } from '../../shared/domain/errors.js';
import type { OperationSpec } from '../../shared/http/openapi.js';
import { ActionHeaders } from './action-id.js';
import type { HimRoute } from './route-kit.js';
import { ROUTES } from './routes.js';

/** Tag of each first path segment; a new segment becomes its own tag, capitalised. */
const TAG_NAMES: Record<string, string> = { whoami: 'Session' };
const TAG_DESCRIPTIONS: Record<string, string> = {
  Session: 'Who the bearer token says you are',
  Ledger: 'The transfers ledger: query, export, verify, and seal with signed digests',
  Corridors: 'Movements per day and corridor',
  Deliveries: 'Deliveries to EHRs: states, attempt history, replay of parked ones',
  Notes: 'Decrypted note views; every view writes a PHI-access audit entry',
  Audit: 'The audit log of every HIM action',
  Retention: 'Retention runs: their PHI-free reports, and a run on request (privacy officers)',
  Holds: 'Legal holds on a patient or an organisation (privacy officers): nothing held is deleted or erased',
};

const tagOf = (path: string): string => {
  const segment = path.split('/')[0] ?? path;
  return TAG_NAMES[segment] ?? segment.charAt(0).toUpperCase() + segment.slice(1);
};

const pascal = (words: string[]) => words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** `GET deliveries/{senderId}/{noteId}` → `getDeliveriesBySenderIdNoteId`. */
function derivedOperationId(route: HimRoute): string {
  const parts = route.path.split('/');
  const literal = parts.filter((p) => !p.startsWith('{')).flatMap((p) => p.split('-'));
  const params = parts.filter((p) => p.startsWith('{')).map((p) => p.slice(1, -1));
  return `${route.method.toLowerCase()}${pascal(literal)}${params.length ? `By${pascal(params)}` : ''}`;
}

/** Who may call a route and how it is audited, from the table itself. */
function describe(route: HimRoute): string {
  const roles = `Roles: ${route.roles.map((r) => `\`${r}\``).join(', ')}.`;
  const audit = route.action
    ? ` Every call, refused ones included, writes an audit entry \`${route.action}\`.`
    : ' Not audited.';
  return `${roles}${audit}`;
}

/** What any HIM call may answer beyond its use case: token, role, action id header, input, storage. */
function derivedErrors(route: HimRoute): ErrorCode[] {
  const doc = route.doc ?? {};
  const errors: ErrorCode[] = ['unauthorized', 'forbidden', 'invalid-action-id', 'storage-unavailable'];
  if (doc.path || doc.query || doc.body) errors.push('invalid-query');
  if (doc.query?.shape.cursor) errors.push('invalid-cursor');
  if (doc.body) errors.push('invalid-json');
  return [...errors, ...(doc.errors ?? [])];
}

/**
 * The HIM API's operations, generated from the route table the function
 * serves (`ROUTES`): method, path, roles (`x-roles`), audit action and the zod
 * schemas of each route's `doc` cannot drift from the code, and a route without
 * a `doc` is still published (derived id, tag, path parameters and problems).
 */
export function himOperations(routes: readonly HimRoute[] = ROUTES): OperationSpec[] {
  return routes.map((route) => {
    const doc = route.doc ?? {};
    const status = doc.response?.status ?? 200;
    return {
      method: route.method,
      path: `/v1/him/${route.path}`,
      operationId: doc.operationId ?? derivedOperationId(route),
      summary: doc.summary ?? `${route.method} ${route.path}`,
      description: describe(route),
      tags: [tagOf(route.path)],
      security: [{ himBearer: [] }],
      extensions: { 'x-roles': route.roles, ...(route.action ? { 'x-audit-action': route.action } : {}) },
      headers: ActionHeaders,
      ...(doc.path ? { pathParams: doc.path } : {}),
      ...(doc.query ? { query: doc.query } : {}),
      ...(doc.body ? { body: doc.body } : {}),
      success: [
        {
          status,
          description: status === 202 ? 'Accepted' : status === 201 ? 'Created' : 'OK',
          ...(doc.response?.schema ? { schema: doc.response.schema } : {}),
          ...(doc.response?.media ? { media: doc.response.media } : {}),
        },
      ],
      errors: derivedErrors(route),
    };
  });
}

/** The HIM tags in use, each with its description. */
export function himTags(): Array<{ name: string; description: string }> {
  const names = [...new Set(ROUTES.map((r) => tagOf(r.path)))];
  return names.map((name) => ({
    name,
    description: TAG_DESCRIPTIONS[name] ?? `HIM API: ${name.toLowerCase()}`,
  }));
}

/** How HIM callers authenticate: the bearer token `auth.ts` verifies. */
export const HIM_SECURITY_SCHEMES = {
  himBearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'OIDC access token of the cell’s identity provider, HIM roles in the roles claim (`cognito:groups` in AWS)',
  },
};
