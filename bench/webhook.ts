import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import type { LocalStack } from '../infra/local/stack.js';
import type { VisitNoteEvent } from '../shared/domain/event/schema.js';

/** Posts signed visit-note events to one cell as the demo sender, the way a telehealth platform does. */
export class WebhookSender {
  private readonly signer: Webhook;
  private readonly url: string;

  constructor(stack: LocalStack, cell: string) {
    this.signer = new Webhook(stack.demoSecret.value);
    this.url = `${stack.url}/${cell}/v1/webhooks/${DEMO_SENDER_ID}`;
  }

  /** Sends one event; resolves to the HTTP status once the body is read. */
  async post(event: VisitNoteEvent): Promise<number> {
    const body = JSON.stringify(event);
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': this.signer.sign(id, now, body),
      },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }
}
