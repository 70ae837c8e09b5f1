import { lookup } from 'node:dns/promises';
import { Webhook } from 'standardwebhooks';
import { addressAllowed, type CallbackUrlRules, checkCallbackUrl } from '../../shared/domain/callback-url.js';
import { type CallbackRow, type CallbackTry, callbackBody } from '../../shared/domain/delivery/callback.js';
import type { Sender } from '../../shared/ports/sender-registry.js';

/** Sends one try of a sender callback. Never throws: every failure comes back as a `CallbackTry`. */
export interface CallbackSender {
  send(row: CallbackRow, sender: Sender): Promise<CallbackTry>;
}

/** Resolves a host name to every address it has (`dns.lookup` with `all`). */
export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * Standard Webhooks-signed callbacks to the sender's `callbackUrl`, signed with
 * the sender's own secret, with the row's `webhook-id` on every try. The URL is
 * checked again at send time, with every address its host resolves to; redirects
 * are never followed (a 3xx is a failure). PHI-free body: ids and states only.
 */
export function webhookCallbacks(deps: {
  rules: CallbackUrlRules;
  timeoutMs: number;
  resolve?: Resolve;
  now?: () => Date;
}): CallbackSender {
  const resolve = deps.resolve ?? systemResolve;
  const now = deps.now ?? (() => new Date());
  return {
    send: async (row, sender) => {
      const secret = sender.secrets[0];
      if (!sender.callbackUrl || !secret) return { outcome: 'refused', error: 'no-callback-url' };
      const verdict = checkCallbackUrl(sender.callbackUrl, deps.rules);
      if (!verdict.ok) return { outcome: 'refused', error: `url-refused:${verdict.reason}` };
      let addresses: string[];
      try {
        addresses = await resolve(verdict.url.hostname.replace(/^\[|\]$/g, ''));
      } catch {
        return { outcome: 'failed', error: 'dns' };
      }
      if (addresses.length === 0 || !addresses.every((a) => addressAllowed(a, deps.rules))) {
        return { outcome: 'refused', error: 'url-refused:resolves-to-refused-address' };
      }
      const body = callbackBody(row);
      const at = now();
      try {
        const response = await fetch(verdict.url, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'webhook-id': row.webhookId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': new Webhook(secret).sign(row.webhookId, at, body),
          },
          body,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        return response.status >= 200 && response.status < 300
          ? { outcome: 'accepted' }
          : { outcome: 'failed', error: `http-${response.status}` };
      } catch {
        return { outcome: 'failed', error: 'network' };
      }
    },
  };
}
