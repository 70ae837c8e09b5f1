import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import type { LocalStack } from '../infra/local/stack.js';
import type { VisitNoteEvent } from '../shared/domain/event/schema.js';

/** A webhook ready to send: the body and its Standard Webhooks headers. */
export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * Posts signed visit-note events to one cell as the demo sender, the way a
 * telehealth platform does. It sends with node:http on a keep-alive agent of
 * 50 sockets, the HTTP client and settings the AWS SDK uses for the storage
 * floor, so both sides of a comparison pay the same client cost.
 */
export class WebhookSender {
  private readonly signer: Webhook;
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 50 });

  constructor(stack: LocalStack, cell: string) {
    this.signer = new Webhook(stack.demoSecret.value);
    this.url = new URL(`${stack.url}/${cell}/v1/webhooks/${DEMO_SENDER_ID}`);
  }

  /** Serialises and signs one event now (a timed run signs before its clock starts). */
  sign(event: VisitNoteEvent): SignedWebhook {
    const body = JSON.stringify(event);
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': this.signer.sign(id, now, body),
      },
    };
  }

  /** Sends one signed webhook; resolves to the HTTP status once the body is read. */
  send(webhook: SignedWebhook): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        { method: 'POST', headers: webhook.headers, agent: this.agent },
        (res) => {
          res.on('error', reject);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.resume();
        },
      );
      req.on('error', reject);
      req.end(webhook.body);
    });
  }

  /** Signs and sends one event. */
  post(event: VisitNoteEvent): Promise<number> {
    return this.send(this.sign(event));
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
