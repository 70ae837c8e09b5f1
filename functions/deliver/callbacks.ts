import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { Webhook } from 'standardwebhooks';
import type { OutboxItem } from '../../shared/ports/outbox.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';

export type CallbackType = 'visit.note.delivered' | 'visit.note.parked';

/** Tells the sender when a note reached the EHR or was parked. */
export interface DeliveryCallbacks {
  notify(
    item: OutboxItem,
    type: CallbackType,
    detail?: { ehrResource?: string; parkReason?: string },
  ): Promise<void>;
}

const ATTEMPTS = 3;

/**
 * Standard Webhooks-signed callbacks to the sender's `callbackUrl` (signed with the
 * sender's own secret), retried with backoff. PHI-free body: ids and states only.
 * A callback that still fails is logged and dropped: the delivery status URL stays
 * the source of truth.
 */
export function webhookCallbacks(deps: {
  cell: string;
  senders: SenderRegistry;
  logger: Logger;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}): DeliveryCallbacks {
  return {
    notify: async (item, type, detail = {}) => {
      const sender = await deps.senders.get(item.senderId);
      const secret = sender?.secrets[0];
      if (!sender?.callbackUrl || !secret) return;
      const body = JSON.stringify({
        type,
        occurredAt: new Date().toISOString(),
        data: {
          noteId: item.noteId,
          version: item.version,
          event: item.eventKind,
          cell: deps.cell,
          ...(detail.ehrResource ? { ehrResource: `DocumentReference/${detail.ehrResource}` } : {}),
          ...(detail.parkReason ? { parkReason: detail.parkReason } : {}),
        },
      });
      const id = `msg_${randomUUID()}`;
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const now = new Date();
        try {
          const response = await fetch(sender.callbackUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': id,
              'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
              'webhook-signature': new Webhook(secret).sign(id, now, body),
            },
            body,
            signal: AbortSignal.timeout(deps.timeoutMs),
          });
          await response.arrayBuffer();
          if (response.ok) return;
        } catch {
          // retried below
        }
        if (attempt < ATTEMPTS) await deps.sleep(200 * 4 ** (attempt - 1));
      }
      deps.logger.warn('callback failed', {
        noteId: item.noteId,
        version: item.version,
        type,
        senderId: item.senderId,
      });
    },
  };
}
