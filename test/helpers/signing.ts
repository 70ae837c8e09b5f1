import { createHmac, randomUUID } from 'node:crypto';

/**
 * An independent Standard Webhooks signer written from the specification
 * (HMAC-SHA256 over "<id>.<timestamp>.<body>", key = base64 after "whsec_"),
 * so tests do not sign with the library under test.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface SignedRequestOptions {
  secret: string;
  body: string;
  id?: string;
  timestampSeconds?: number;
  contentType?: string;
}

/** Headers of a correctly signed webhook. */
export function signedHeaders(o: SignedRequestOptions): Record<string, string> {
  const id = o.id ?? `msg_${randomUUID()}`;
  const ts = o.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': o.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signWebhook(o.secret, id, ts, o.body),
  };
}
