import { type ApiDescription, openApiDocument } from '../shared/http/openapi.js';
import { HIM_SECURITY_SCHEMES, himOperations, himTags } from './him-api/openapi.js';
import { INGEST_OPERATIONS, INGEST_SECURITY_SCHEMES, INGEST_TAGS } from './ingest/openapi.js';

/** The published file's servers: a template, since every deployment's cells live elsewhere. */
export const TEMPLATE_SERVERS: ApiDescription['servers'] = [
  {
    url: 'http://127.0.0.1:8080/{cell}',
    description:
      'A cell of the local stack (`npm start`). The stack serves this document at /openapi.json with one server per cell; in AWS each cell is its own HTTP API URL.',
    variables: { cell: { default: 'uk', description: 'Cell id (a jurisdiction of the residency policy)' } },
  },
];

/**
 * The OpenAPI 3.1 document of a cell's HTTP API: the ingest function's and the
 * HIM function's operations, generated from their route tables and zod schemas.
 */
export function cellApiDocument(
  servers: ApiDescription['servers'] = TEMPLATE_SERVERS,
): Record<string, unknown> {
  return openApiDocument({
    operations: [...Object.values(INGEST_OPERATIONS), ...himOperations()],
    tags: [...INGEST_TAGS, ...himTags()],
    securitySchemes: { ...INGEST_SECURITY_SCHEMES, ...HIM_SECURITY_SCHEMES },
    servers,
  });
}
