import { createHash } from 'node:crypto';
import { backoff } from './backoff.js';
import type { OutboxKey } from './outbox-item.js';

export type CallbackType = 'visit.note.delivered' | 'visit.note.parked';

/** Where a sender callback stands: `failed` is final (tries spent or destination refused). */
export type CallbackState = 'pending' | 'retrying' | 'delivered' | 'failed';

/** Identifies one callback row: the note event it tells of and the attempt that ended it. */
export interface CallbackKey extends OutboxKey {
  /** Number of the attempt whose transition created the callback (a replayed note can be parked twice). */
  seq: number;
}

/** A sender callback waiting to be sent, as an outbox row of its own: ids and states only, no PHI. */
export interface CallbackRow extends CallbackKey {
  type: CallbackType;
  /** The Standard Webhooks `webhook-id`, the same on every try so the sender can drop repeats. */
  webhookId: string;
  cell: string;
  occurredAt: string;
  ehrResource?: string;
  parkReason?: string;
  state: CallbackState;
  /** Tries made so far; the row's optimistic-lock version too. */
  attempts: number;
  nextAttemptAt?: string;
  /** Why the row ended `failed` (`http-<status>`, `network`, `url-refused:<reason>`, `no-callback-url`). */
  lastError?: string;
  updatedAt?: string;
}

/** Bounds of a callback's retry schedule. */
export interface CallbackRetry {
  maxTries: number;
  baseMs: number;
  maxMs: number;
}

/**
 * The callback's `webhook-id`: derived from the cell, note event and attempt, so
 * every try (and every worker that retries the row after a crash) sends the same id.
 */
export function callbackWebhookId(cell: string, key: CallbackKey): string {
  const material = [cell, key.senderId, key.noteId, key.version, key.eventKind, key.seq].join('\n');
  return `msg_${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/** A new callback row for a note event that was just delivered or parked. */
export function newCallback(
  item: OutboxKey,
  detail: {
    cell: string;
    seq: number;
    type: CallbackType;
    at: string;
    ehrResource?: string;
    parkReason?: string;
  },
): CallbackRow {
  const key: CallbackKey = {
    senderId: item.senderId,
    noteId: item.noteId,
    version: item.version,
    eventKind: item.eventKind,
    seq: detail.seq,
  };
  return {
    ...key,
    type: detail.type,
    webhookId: callbackWebhookId(detail.cell, key),
    cell: detail.cell,
    occurredAt: detail.at,
    ...(detail.ehrResource ? { ehrResource: detail.ehrResource } : {}),
    ...(detail.parkReason ? { parkReason: detail.parkReason } : {}),
    state: 'pending',
    attempts: 0,
  };
}

/** The signed body: PHI-free (ids, states, the EHR resource id), the same bytes on every try. */
export function callbackBody(row: CallbackRow): string {
  return JSON.stringify({
    type: row.type,
    occurredAt: row.occurredAt,
    data: {
      noteId: row.noteId,
      version: row.version,
      event: row.eventKind,
      cell: row.cell,
      ...(row.ehrResource ? { ehrResource: `DocumentReference/${row.ehrResource}` } : {}),
      ...(row.parkReason ? { parkReason: row.parkReason } : {}),
    },
  });
}

/** How a callback try ended: accepted (2xx), worth retrying, or never deliverable. */
export type CallbackTry = { outcome: 'accepted' } | { outcome: 'failed' | 'refused'; error: string };

export type CallbackChange =
  | { state: 'delivered' }
  | { state: 'retrying'; nextAttemptAt: string; lastError: string }
  | { state: 'failed'; lastError: string };

/**
 * What follows a try: delivered on a 2xx; else another try after an exponential,
 * jittered backoff until `maxTries` are spent, then `failed`. A refused destination
 * fails at once: retrying would not make it acceptable.
 */
export function afterCallbackTry(
  row: Pick<CallbackRow, 'attempts'>,
  result: CallbackTry,
  now: Date,
  retry: CallbackRetry,
  random: () => number = Math.random,
): CallbackChange {
  if (result.outcome === 'accepted') return { state: 'delivered' };
  const tries = row.attempts + 1;
  if (result.outcome === 'refused' || tries >= retry.maxTries)
    return { state: 'failed', lastError: result.error };
  const delay = backoff(tries, { baseMs: retry.baseMs, maxMs: retry.maxMs }, random);
  return {
    state: 'retrying',
    nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
    lastError: result.error,
  };
}
