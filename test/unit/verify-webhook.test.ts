import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { newWebhookSecret } from '../../infra/local/senders.js';
import type { HttpEvent, HttpResult } from '../../shared/http/apigw.js';
import {
  MAX_WEBHOOK_ID_LENGTH,
  verifyStandardWebhook,
  type WebhookContext,
} from '../../shared/http/middleware/verify-webhook.js';
import type { Sender, SenderRegistry } from '../../shared/ports/sender-registry.js';
import { signedHeaders } from '../helpers/signing.js';

const secret = newWebhookSecret();
const senders: SenderRegistry = {
  get: async (id) => (id === 'acme' ? ({ id, secrets: [secret] } satisfies Sender) : undefined),
};
const body = '{"hello":"world"}';

function request(headers: Record<string, string>, payload = body, senderId = 'acme') {
  const event = {
    headers,
    body: payload,
    isBase64Encoded: false,
    pathParameters: { senderId },
  } as unknown as HttpEvent;
  return {
    event,
    context: {} as WebhookContext,
    response: undefined,
    error: undefined,
    internal: {},
  } as unknown as Request<HttpEvent, HttpResult, Error, WebhookContext & Context>;
}

const verify = (req: ReturnType<typeof request>) => {
  const before = verifyStandardWebhook({ senders, maxBodyBytes: 1024 }).before;
  if (!before) throw new Error('middleware has no before hook');
  return before(req);
};

describe('verifyStandardWebhook', () => {
  it('hands the verified body, sender and webhook-id to the handler', async () => {
    const headers = signedHeaders({ secret, body, id: 'msg_1' });
    const req = request(headers);

    await verify(req);

    expect(req.context.webhook).toMatchObject({ body, webhookId: 'msg_1', sender: { id: 'acme' } });
  });

  it('accepts a base64-encoded body as the same bytes', async () => {
    const req = request(signedHeaders({ secret, body }), Buffer.from(body).toString('base64'));
    (req.event as { isBase64Encoded: boolean }).isBase64Encoded = true;

    await verify(req);

    expect(req.context.webhook?.body).toBe(body);
  });

  it.each([
    [
      'a body over the limit',
      () => request(signedHeaders({ secret, body: 'x'.repeat(2000) }), 'x'.repeat(2000)),
      'payload-too-large',
    ],
    [
      'a missing webhook-signature',
      () => {
        const h = signedHeaders({ secret, body });
        delete h['webhook-signature'];
        return request(h);
      },
      'missing-signature-headers',
    ],
    ['an unknown sender', () => request(signedHeaders({ secret, body }), body, 'nobody'), 'unknown-sender'],
    [
      'one changed byte of the body',
      () => request(signedHeaders({ secret, body }), body.replace('world', 'World')),
      'invalid-signature',
    ],
    [
      'a changed webhook-id',
      () => request({ ...signedHeaders({ secret, body }), 'webhook-id': 'msg_other' }),
      'invalid-signature',
    ],
    [
      'a stale timestamp',
      () => request(signedHeaders({ secret, body, timestampSeconds: Math.floor(Date.now() / 1000) - 301 })),
      'stale-timestamp',
    ],
    [
      'a timestamp that is not a number',
      () => request({ ...signedHeaders({ secret, body }), 'webhook-timestamp': 'soon' }),
      'stale-timestamp',
    ],
    [
      'a v2 signature only',
      () => request({ ...signedHeaders({ secret, body }), 'webhook-signature': 'v2,abc' }),
      'invalid-signature',
    ],
    [
      'a JSON body sent as text/plain',
      () => request(signedHeaders({ secret, body, contentType: 'text/plain' })),
      'unsupported-media-type',
    ],
    [
      'a correctly signed webhook-id one character over the limit',
      () => request(signedHeaders({ secret, body, id: 'm'.repeat(MAX_WEBHOOK_ID_LENGTH + 1) })),
      'invalid-webhook-id',
    ],
    [
      'a correctly signed webhook-id with a space',
      () => request(signedHeaders({ secret, body, id: 'msg 1' })),
      'invalid-webhook-id',
    ],
    [
      'a sender id over 64 characters',
      () => request(signedHeaders({ secret, body }), body, 'a'.repeat(65)),
      'invalid-path',
    ],
    [
      'a sender id with a slash',
      () => request(signedHeaders({ secret, body }), body, 'acme%2F..'),
      'invalid-path',
    ],
    [
      'a malformed percent-encoding in the sender id',
      () => request(signedHeaders({ secret, body }), body, '%E0%A4%A'),
      'invalid-path',
    ],
  ])('refuses %s', async (_name, build, code) => {
    await expect(verify(build())).rejects.toMatchObject({ code });
  });

  it('accepts a webhook-id of exactly the limit', async () => {
    const id = 'm'.repeat(MAX_WEBHOOK_ID_LENGTH);
    const req = request(signedHeaders({ secret, body, id }));

    await verify(req);

    expect(req.context.webhook?.webhookId).toBe(id);
  });

  it('names the limit when it refuses a webhook-id', async () => {
    const req = request(signedHeaders({ secret, body, id: 'm'.repeat(3000) }));

    await expect(verify(req)).rejects.toMatchObject({
      detail: expect.stringContaining(String(MAX_WEBHOOK_ID_LENGTH)),
      extensions: { maxLength: MAX_WEBHOOK_ID_LENGTH },
    });
  });
});
