import { ROUTES } from './routes.js';

const SUMMARIES: Record<string, string> = {
  whoami: 'Who the token says you are',
  ledger:
    'Transfers ledger entries (filters: from, to, kind, decision, corridor=uk:us, noteId, patient=system|value; cursor pagination)',
  'ledger/export': 'Export the filtered ledger (format=csv|ndjson)',
  'ledger/verify': 'Verify every shard of the hash chain and the latest signed digest',
  'ledger/digest': 'Write a signed digest of the chain heads',
  corridors: 'Movements per day by corridor, kind, mechanism and decision',
  deliveries: 'Deliveries by state (pending, retrying, waiting, delivered, parked)',
  'deliveries/replay': 'Replay parked deliveries parked in a time range (dryRun first)',
  'deliveries/{senderId}/{noteId}/{version}': 'One delivery with its attempt history',
  'deliveries/{senderId}/{noteId}/{version}/replay':
    'Replay one parked delivery (re-checks the residency policy)',
  'notes/{senderId}/{noteId}/{version}': 'View a note (decrypts; writes a PHI-access audit entry)',
  audit: 'The HIM audit log',
  'audit/verify': 'Verify the audit hash chain',
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * The HIM API's OpenAPI paths, generated from the route table the function
 * serves (`ROUTES`): method, path, roles (`x-roles`) and audit action cannot drift
 * from the code.
 */
export function himOpenApiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = `/v1/him/${route.path}`;
    const parameters = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: SUMMARIES[route.path] ?? route.path,
      tags: ['HIM'],
      security: [{ himBearer: [] }],
      'x-roles': route.roles,
      ...(route.action ? { 'x-audit-action': route.action } : {}),
      parameters,
      responses: {
        '200': { description: 'OK (JSON; CSV or NDJSON for exports)' },
        '400': problem('Invalid query or cursor'),
        '401': problem('No, expired or invalid bearer token'),
        '403': problem('Your role may not call this'),
        '404': problem('Not found'),
      },
    };
  }
  return paths;
}
