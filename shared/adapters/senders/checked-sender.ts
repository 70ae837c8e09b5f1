import { type CallbackUrlRules, checkCallbackUrl } from '../../domain/callback-url.js';
import type { Sender } from '../../ports/sender-registry.js';
import type { SenderSettings } from './sender-settings.js';

/** Outside the local stack: https only, no loopback, private or link-local destinations. */
export const STRICT_CALLBACK_RULES: CallbackUrlRules = { allowLoopbackHttp: false };

/**
 * A sender as loaded from its settings, its callback URL checked: a refused URL is
 * left out and its reason kept in `callbackRefused` (no callback is ever sent to it;
 * the delivery worker logs the refusal), so a bad URL never stops the sender's notes.
 */
export function loadedSender(id: string, settings: SenderSettings, rules: CallbackUrlRules): Sender {
  const { callbackUrl, ...rest } = settings;
  if (callbackUrl === undefined) return { id, ...rest };
  const verdict = checkCallbackUrl(callbackUrl, rules);
  return verdict.ok ? { id, ...rest, callbackUrl } : { id, ...rest, callbackRefused: verdict.reason };
}
