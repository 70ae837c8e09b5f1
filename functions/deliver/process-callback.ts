import type { Logger } from '@aws-lambda-powertools/logger';
import {
  afterCallbackTry,
  type CallbackRetry,
  type CallbackRow,
} from '../../shared/domain/delivery/callback.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { CallbackOutbox } from '../../shared/ports/outbox.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';
import type { CallbackSender } from './callbacks.js';
import type { CrashHook } from './crash.js';

export interface CallbackDeps {
  callbackOutbox: CallbackOutbox;
  senders: SenderRegistry;
  callbacks: CallbackSender;
  callbackRetry: CallbackRetry;
  clock: Clock;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  crash?: CrashHook;
}

export type CallbackOutcome = 'stale' | CallbackRow['state'];

const SENDABLE = new Set(['pending', 'retrying']);

/**
 * One try of a sender callback, if the stream record still describes the row
 * (same state and try count). The result is written conditionally on the try
 * counter; a row that ends `failed` is logged for HIMs with ids only.
 *
 * @throws only for storage failures (the stream retries the record then).
 */
export async function processCallbackRecord(
  deps: CallbackDeps,
  image: CallbackRow,
): Promise<CallbackOutcome> {
  const row = await deps.callbackOutbox.getCallback(image);
  deps.crash?.('callback-after-read', image);
  if (!row || !SENDABLE.has(row.state) || row.attempts !== image.attempts) return 'stale';
  const wait = row.nextAttemptAt ? Date.parse(row.nextAttemptAt) - deps.clock.now().getTime() : 0;
  if (wait > 0) await deps.sleep(Math.min(wait, deps.callbackRetry.maxMs));
  const sender = await deps.senders.get(row.senderId);
  const result = sender
    ? await deps.callbacks.send(row, sender)
    : ({ outcome: 'refused', error: 'unknown-sender' } as const);
  deps.crash?.('callback-after-send', image);
  const now = deps.clock.now();
  const change = afterCallbackTry(row, result, now, deps.callbackRetry);
  if (!(await deps.callbackOutbox.recordCallbackTry(row, row.attempts, change, now.toISOString())))
    return 'stale';
  const ids = {
    senderId: row.senderId,
    noteId: row.noteId,
    version: row.version,
    eventKind: row.eventKind,
    webhookId: row.webhookId,
    type: row.type,
    try: row.attempts + 1,
  };
  if (change.state === 'failed') deps.logger.warn('callback failed', { ...ids, error: change.lastError });
  else deps.logger.info('callback try', { ...ids, outcome: change.state });
  deps.crash?.('callback-after-commit', image);
  return change.state;
}
