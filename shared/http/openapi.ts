import * as z from 'zod';
import { Receipt, VisitNoteEvent } from '../domain/event/schema.js';
import { PROBLEMS, problemType } from './problem.js';

/** RFC 9457 problem details, as every error of the API is answered. */
export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `type` is stable per cause' });

export const DeliveryStatusBody = z
  .object({
    noteId: z.string(),
    version: z.int(),
    events: z.array(
      z.object({
        event: z.enum(['finalized', 'amended', 'retracted']),
        state: z.string(),
        attempts: z.int(),
        receivedAt: z.string(),
        updatedAt: z.string().optional(),
        deliveredAt: z.string().optional(),
        ehrResource: z.string().optional(),
        parkReason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DeliveryStatus' });

/** The published JSON Schema of the v1 event, generated from the zod definition. */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(VisitNoteEvent, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://visitbridge.dev/schemas/visit-note-event.v1.json',
  };
}

const json = (id: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * OpenAPI 3.1 of a cell's API, its schemas generated from the zod definitions.
 * `extraPaths` are other functions' paths (the HIM API's, generated from its route table).
 */
export function openApiDocument(extraPaths: Record<string, unknown> = {}): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const schema of [VisitNoteEvent, Receipt, ProblemDetails, DeliveryStatusBody]) {
    registry.add(schema, { id: String(schema.meta()?.id) });
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const problemTypes = Object.entries(PROBLEMS).map(
    ([code, spec]) => `- \`${problemType(code as keyof typeof PROBLEMS)}\` (${spec.status}): ${spec.title}`,
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'visitbridge cell API',
      version: '1.0.0',
      description: `Signed visit-note webhooks (Standard Webhooks) into a residency cell.\n\nProblem types:\n${problemTypes.join('\n')}`,
    },
    servers: [{ url: '{cell}', variables: { cell: { default: 'http://127.0.0.1:8080/uk' } } }],
    paths: {
      '/v1/webhooks/{senderId}': {
        post: {
          summary: 'Deliver a visit-note event',
          parameters: [
            { name: 'senderId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' } },
            {
              name: 'webhook-timestamp',
              in: 'header',
              required: true,
              schema: { type: 'string', description: 'Unix seconds' },
            },
            {
              name: 'webhook-signature',
              in: 'header',
              required: true,
              schema: {
                type: 'string',
                description: 'v1,<base64 HMAC-SHA256>; space-separated list allowed',
              },
            },
          ],
          requestBody: { required: true, content: json('VisitNoteEvent') },
          responses: {
            '202': { description: 'Accepted and stored encrypted', content: json('Receipt') },
            '200': {
              description: 'Already received (same webhook-id, or same version with the same content)',
              content: json('Receipt'),
            },
            '400': problem('Malformed request (invalid JSON, missing headers)'),
            '401': problem('Unknown sender, bad signature or stale timestamp'),
            '403': problem('Sender may not post for this organization'),
            '409': problem('Same version with different content, or webhook-id reused'),
            '413': problem('Body over the size limit'),
            '415': problem('Not application/json'),
            '421': problem("The patient's home is another cell"),
            '422': problem('Event does not match the schema'),
            '451': problem('Movement denied by the residency policy'),
          },
        },
      },
      '/v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery': {
        get: {
          summary: "Delivery status of a note version (the receipt's deliveryStatusUrl)",
          parameters: [
            { name: 'senderId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'noteId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'version', in: 'path', required: true, schema: { type: 'integer' } },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'Status', content: json('DeliveryStatus') },
            '404': problem('Unknown note or signature'),
          },
        },
      },
      ...extraPaths,
    },
    components: {
      schemas,
      securitySchemes: {
        himBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'OIDC access token with HIM roles in cognito:groups',
        },
      },
    },
  };
}
