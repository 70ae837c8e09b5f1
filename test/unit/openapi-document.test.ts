import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { himOperations } from '../../functions/him-api/openapi.js';
import type { HimRoute } from '../../functions/him-api/route-kit.js';
import { ROUTES } from '../../functions/him-api/routes.js';
import { INGEST_ROUTES } from '../../functions/ingest/handler-factory.js';
import { cellApiDocument } from '../../functions/openapi.js';
import { cellServers } from '../../infra/local/health.js';
import { openApiDocument } from '../../shared/http/openapi.js';

type Operation = {
  operationId: string;
  tags: string[];
  security: unknown[];
  description: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  responses: Record<string, { content?: Record<string, unknown> }>;
  'x-roles'?: string[];
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: object } };

const doc = cellApiDocument() as Doc;
const operation = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()];

describe('the cell OpenAPI document', () => {
  it('publishes every ingest and HIM route with a unique operationId, a tag and its security', () => {
    // Prepare
    const routes = [
      ...INGEST_ROUTES.map((r) => r.split(' ') as [string, string]),
      ...ROUTES.map((r) => [r.method, `/v1/him/${r.path}`] as [string, string]),
    ];
    // Act
    const ops = routes.map(([method, path]) => operation(method, path));
    // Assess
    expect(ops.every((op) => op && op.tags.length === 1 && Array.isArray(op.security))).toBe(true);
    const ids = ops.map((op) => op?.operationId);
    expect(new Set(ids).size).toBe(routes.length);
  });

  it('declares the Standard Webhooks headers as required parameters of the webhook and forwarded routes', () => {
    for (const path of ['/v1/webhooks/{senderId}', '/v1/forwarded/{senderId}']) {
      const headers = operation('POST', path)
        ?.parameters?.filter((p) => p.in === 'header' && p.required)
        .map((p) => p.name);
      expect(headers).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    }
  });

  it('takes query parameters and their constraints from the zod schema the use case parses with', () => {
    const limit = operation('GET', '/v1/him/ledger')?.parameters?.find((p) => p.name === 'limit');
    expect(limit).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { default: 50, type: 'integer', minimum: 1, maximum: 1000 },
    });
  });

  it('answers each HIM route with its roles and the problems it can return', () => {
    const replay = operation('POST', '/v1/him/deliveries/{senderId}/{noteId}/{version}/replay');
    expect(replay?.['x-roles']).toEqual(['integration-admin']);
    expect(Object.keys(replay?.responses ?? {}).sort()).toEqual([
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '410',
      '451',
      '503',
    ]);
    expect(replay?.responses['409']?.content).toHaveProperty(['application/problem+json']);
  });

  it('publishes a route that has no doc with a derived id, tag, path parameter and problems', () => {
    // Prepare
    const { doc: _doc, ...route } = { ...(ROUTES[0] as HimRoute), path: 'ledger/digests/{digestId}' };
    // Act
    const built = openApiDocument({
      operations: himOperations([route]),
      tags: [],
      securitySchemes: {},
      servers: [],
    }) as Doc;
    // Assess
    const op = built.paths['/v1/him/ledger/digests/{digestId}']?.get;
    expect(op).toMatchObject({
      operationId: 'getLedgerDigestsByDigestId',
      tags: ['Ledger'],
      security: [{ himBearer: [] }],
      parameters: [
        { name: 'digestId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'X-HIM-Action', in: 'header', required: false, schema: { type: 'string', format: 'uuid' } },
      ],
    });
    expect(Object.keys(op?.responses ?? {})).toEqual(['200', '400', '401', '403', '503']);
  });

  it('documents the optional X-HIM-Action header, and its 400, on every HIM operation', () => {
    const him = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/him/'));
    const ops = him.flatMap(([, item]) => Object.values(item));
    expect(ops.length).toBeGreaterThan(20);
    for (const op of ops) {
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ name: 'X-HIM-Action', in: 'header', required: false }),
      );
      expect(op.responses).toHaveProperty('400');
    }
  });

  it('has component schemas that compile in Ajv strict mode (draft 2020-12)', () => {
    // Prepare
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(ajv);
    ajv.addKeyword('components');
    ajv.addSchema({ $id: 'https://visitbridge.dev/openapi.json', components: doc.components });
    // Act
    const names = Object.keys(doc.components.schemas);
    const compiled = names.filter((name) =>
      ajv.compile({ $ref: `https://visitbridge.dev/openapi.json#/components/schemas/${name}` }),
    );
    // Assess
    expect(compiled).toEqual(names);
  });
});

describe('the local stack serving the document', () => {
  it('lists one server per cell at the host and port the caller reached', () => {
    const cells = [
      { id: 'uk', name: 'United Kingdom' },
      { id: 'us', name: 'United States' },
    ];
    expect(cellServers('10.0.0.5:9999', 'http://127.0.0.1:8080', cells)).toEqual([
      { url: 'http://10.0.0.5:9999/uk', description: 'United Kingdom cell (uk)' },
      { url: 'http://10.0.0.5:9999/us', description: 'United States cell (us)' },
    ]);
  });

  it('ignores a Host header that is not a host and port', () => {
    const [server] = cellServers('evil.test/"><x', 'http://127.0.0.1:8080', [{ id: 'uk', name: 'UK' }]);
    expect(server?.url).toBe('http://127.0.0.1:8080/uk');
  });
});
