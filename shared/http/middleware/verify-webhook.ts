import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { AppError } from '../../domain/errors.js';
import type { Sender, SenderRegistry } from '../../ports/sender-registry.js';
import { type HttpEvent, type HttpResult, header, pathParam, rawBody } from '../apigw.js';

/** What the middleware hands to the handler once the signature holds. */
export interface VerifiedWebhook {
  sender: Sender;
  webhookId: string;
  timestamp: Date;
  /** The body as signed: parse this, never `event.body` again. */
  body: string;
}

export interface WebhookContext extends Context {
  webhook?: VerifiedWebhook;
}

const REQUIRED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Longest `webhook-id` accepted. Standard Webhooks sets no bound; this one keeps the
 * idempotency key far below DynamoDB's key size limit, so an overlong id is refused
 * up front instead of failing at storage (which senders would retry forever).
 */
export const MAX_WEBHOOK_ID_LENGTH = 256;
/** A `webhook-id` is printable ASCII without spaces (ids such as `msg_2KWP…` or UUIDs). */
const WEBHOOK_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_WEBHOOK_ID_LENGTH}}$`);
/** Sender ids are 1-64 letters, digits, ".", "_" or "-" (the shape of every id the platform chooses). */
const SENDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Verifies a Standard Webhooks signature over the raw body bytes before anything
 * parses them: size (413), media type (415), headers and the `webhook-id` and
 * sender id shapes (400), sender (401), then signature and 5-minute timestamp
 * tolerance (401) with the `standardwebhooks` library. Any of the sender's secrets may match (rotation), and any of the
 * space-separated signatures in the header.
 */
export function verifyStandardWebhook(options: {
  senders: SenderRegistry;
  maxBodyBytes: number;
}): MiddlewareObj<HttpEvent, HttpResult, Error, WebhookContext> {
  return {
    before: async (request) => {
      const { event } = request;
      const body = rawBody(event);
      if (body.length > options.maxBodyBytes) {
        throw new AppError(
          'payload-too-large',
          `body is ${body.length} bytes; the limit is ${options.maxBodyBytes}`,
          {
            limitBytes: options.maxBodyBytes,
          },
        );
      }
      const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
      if (contentType !== 'application/json') {
        throw new AppError('unsupported-media-type', 'send the event with content-type: application/json');
      }
      const missing = REQUIRED_HEADERS.filter((name) => !header(event, name));
      if (missing.length) {
        throw new AppError('missing-signature-headers', `missing header(s): ${missing.join(', ')}`, {
          missing,
        });
      }
      const webhookId = header(event, 'webhook-id') ?? '';
      if (!WEBHOOK_ID.test(webhookId)) {
        throw new AppError(
          'invalid-webhook-id',
          `webhook-id must be 1-${MAX_WEBHOOK_ID_LENGTH} printable ASCII characters without spaces (got ${webhookId.length} characters)`,
          { maxLength: MAX_WEBHOOK_ID_LENGTH },
        );
      }
      const senderId = pathParam(event, 'senderId');
      if (!SENDER_ID.test(senderId)) {
        throw new AppError(
          'invalid-path',
          'the sender id in the path must be 1-64 letters, digits, ".", "_" or "-"',
          { path: event.rawPath },
        );
      }
      const sender = await options.senders.get(senderId);
      if (!sender)
        throw new AppError('unknown-sender', `no sender "${senderId}" is configured for this cell`);

      const headers = Object.fromEntries(REQUIRED_HEADERS.map((name) => [name, header(event, name) ?? '']));
      const timestamp = checkedTimestamp(headers['webhook-timestamp'] ?? '');
      const text = body.toString('utf8');
      let lastError: unknown;
      for (const secret of sender.secrets) {
        try {
          new Webhook(secret).verify(text, headers, { jsonParse: false });
          request.context.webhook = { sender, webhookId, timestamp, body: text };
          return;
        } catch (error) {
          lastError = error;
        }
      }
      // The timestamp and headers were checked above, so what the library refuses is the signature.
      throw new AppError(
        'invalid-signature',
        'no signature in webhook-signature matches: sign "<webhook-id>.<webhook-timestamp>.<raw body>" with HMAC-SHA256 and your whsec_ secret',
        {},
        { cause: lastError },
      );
    },
  };
}

/** Standard Webhooks' tolerance, which the library applies too: checked here first, so its errors need no reading. */
const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/**
 * The `webhook-timestamp` as a date, when it is Unix seconds within the tolerance of now.
 *
 * @throws AppError('stale-timestamp') otherwise.
 */
function checkedTimestamp(raw: string): Date {
  const seconds = /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(Math.abs(Date.now() / 1000 - seconds) <= TIMESTAMP_TOLERANCE_SECONDS)) {
    throw new AppError(
      'stale-timestamp',
      'webhook-timestamp must be Unix seconds within 5 minutes of now; re-sign the message when you retry it',
    );
  }
  return new Date(seconds * 1000);
}
