import * as z from 'zod';
import type { ErrorCode } from '../../shared/domain/errors.js';
import { Receipt, VisitNoteEvent } from '../../shared/domain/event/schema.js';
import type { OperationSpec } from '../../shared/http/openapi.js';
import { FORWARDED_FROM_HEADER } from './forward-client.js';
import {
  FORWARDED_ROUTE,
  type INGEST_ROUTES,
  JWKS_ROUTE,
  STATUS_ROUTE,
  WEBHOOK_ROUTE,
} from './handler-factory.js';

/** The sender's view of a note version's delivery (`GET` of the receipt's `deliveryStatusUrl`). */
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

const JsonWebKeySet = z
  .object({ keys: z.array(z.object({ kty: z.string(), kid: z.string().optional() }).loose()) })
  .meta({ id: 'JsonWebKeySet', description: "Public keys of the cell's SMART backend client (RFC 7517)" });

/** The Standard Webhooks headers the signature check reads (it refuses a request without all three). */
const SignatureHeaders = z.object({
  'webhook-id': z.string().min(1).describe('Unique message id; a redelivery reuses it (idempotency key)'),
  'webhook-timestamp': z
    .string()
    .regex(/^\d+$/)
    .describe('Unix seconds when signed; refused outside 5 minutes of the cell clock'),
  'webhook-signature': z
    .string()
    .min(1)
    .describe(
      '`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; several space-separated during secret rotation',
    ),
});

const SenderPath = z.object({
  senderId: z.string().min(1).describe('The sender id the platform was registered with'),
});

/** What the signature check and the ingest use case answer (`misdirected-request` only without forwarding). */
const INGEST_ERRORS: readonly ErrorCode[] = [
  'missing-signature-headers',
  'invalid-json',
  'unknown-sender',
  'invalid-signature',
  'stale-timestamp',
  'organization-not-allowed',
  'webhook-id-reused',
  'version-conflict',
  'payload-too-large',
  'unsupported-media-type',
  'misdirected-request',
  'invalid-event',
  'unknown-organization',
  'unknown-country',
  'transfer-denied',
  'forward-failed',
  'storage-unavailable',
];

const location = {
  location: { description: 'The deliveryStatusUrl of the receipt', schema: { type: 'string' } },
};
const receipts = [
  { status: 202, description: 'Accepted and stored encrypted', schema: Receipt, headers: location },
  {
    status: 200,
    description: 'Already received (same webhook-id, or same version with the same content)',
    schema: Receipt,
    headers: location,
  },
];

const split = (route: string) => {
  const [method, path] = route.split(' ') as ['GET' | 'POST', string];
  return { method, path };
};

/** The ingest function's operations, keyed by the routes it serves (`INGEST_ROUTES`). */
export const INGEST_OPERATIONS: Record<(typeof INGEST_ROUTES)[number], OperationSpec> = {
  [WEBHOOK_ROUTE]: {
    ...split(WEBHOOK_ROUTE),
    operationId: 'receiveVisitNoteEvent',
    summary: 'Deliver a visit-note event',
    description:
      'Standard Webhooks: the signature is checked over the raw body with the sender’s `whsec_` secret before anything parses it.',
    tags: ['Webhooks'],
    security: [{ standardWebhooks: [] }],
    pathParams: SenderPath,
    headers: SignatureHeaders,
    body: VisitNoteEvent,
    success: receipts,
    errors: INGEST_ERRORS,
  },
  [FORWARDED_ROUTE]: {
    ...split(FORWARDED_ROUTE),
    operationId: 'receiveForwardedNote',
    summary: 'Receive a note another cell forwarded here',
    description:
      'Cell to cell: the sender’s raw body and original `webhook-id`, signed with the forwarding secret shared by the cells. Never forwarded again.',
    tags: ['Cell to cell'],
    security: [{ forwardingSignature: [] }],
    pathParams: SenderPath,
    headers: SignatureHeaders.extend({
      [FORWARDED_FROM_HEADER]: z
        .string()
        .optional()
        .describe('The forwarding cell (logged only; the signature is what is trusted)'),
    }),
    body: VisitNoteEvent,
    success: receipts,
    errors: INGEST_ERRORS.filter((c) => c !== 'forward-failed'),
  },
  [STATUS_ROUTE]: {
    ...split(STATUS_ROUTE),
    operationId: 'getDeliveryStatus',
    summary: "Delivery status of a note version (the receipt's deliveryStatusUrl)",
    description:
      'For the sender: the state of each event of the version (finalized or amended, and its retraction). The `sig` of the receipt is the only credential; an unknown or wrong one is 404.',
    tags: ['Webhooks'],
    security: [{ statusSignature: [] }],
    pathParams: SenderPath.extend({
      noteId: z.string().min(1),
      version: z.int().min(1),
    }),
    query: z.object({
      sig: z.string().min(1).describe('Capability from the receipt: keyed hash of the ids'),
    }),
    success: [
      { status: 200, description: 'Status of every event of the version', schema: DeliveryStatusBody },
    ],
    errors: ['not-found', 'storage-unavailable'],
  },
  [JWKS_ROUTE]: {
    ...split(JWKS_ROUTE),
    operationId: 'getSmartClientJwks',
    summary: "Public keys of the cell's SMART backend client",
    description:
      'For EHRs that register the bridge by JWKS URL (SMART Backend Services): the public half of the `private_key_jwt` signing keys. 404 when the cell publishes none.',
    tags: ['Keys'],
    security: [],
    success: [{ status: 200, description: 'JSON Web Key Set', schema: JsonWebKeySet }],
    errors: ['not-found'],
  },
};

/** Tags of the ingest operations, with what each groups. */
export const INGEST_TAGS = [
  {
    name: 'Webhooks',
    description: 'Signed visit-note events from telemedicine platforms, and their delivery status',
  },
  { name: 'Cell to cell', description: 'Notes a cell forwards to the patient’s home cell' },
  { name: 'Keys', description: 'Public keys the cell publishes' },
];

/**
 * How ingest callers prove who they are: a signature (webhook, forwarded) or
 * the receipt's capability (status). Declared so viewers show it; the handler checks it.
 */
export const INGEST_SECURITY_SCHEMES = {
  standardWebhooks: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: HMAC-SHA256 over `webhook-id.webhook-timestamp.body` with the sender’s `whsec_` secret',
  },
  forwardingSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description: 'Standard Webhooks signature made with the forwarding secret the cells share',
  },
  statusSignature: {
    type: 'apiKey',
    in: 'query',
    name: 'sig',
    description: 'The capability in the receipt’s deliveryStatusUrl',
  },
};
