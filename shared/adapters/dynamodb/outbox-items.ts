import type { Update } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { CallbackRow } from '../../domain/delivery/callback.js';
import type { DeliveryState, OutboxItem, OutboxKey } from '../../domain/delivery/outbox-item.js';
import { type ItemChange, stateAfter } from '../../domain/delivery/transition.js';
import { callbackKey, noteKey, outboxKey } from './keys.js';

const retraction = (k: OutboxKey) => k.eventKind === 'retracted';
/** Table key of an outbox item. */
export const itemKey = (k: OutboxKey) => outboxKey(k.senderId, k.noteId, k.version, retraction(k));
/** Table key of the note version an outbox item delivers. */
export const versionKeyOf = (k: OutboxKey) => noteKey(k.senderId, k.noteId, k.version, retraction(k));
/** Table key of a callback row. */
export const callbackItemKey = (k: OutboxKey & { seq: number }) =>
  callbackKey(k.senderId, k.noteId, k.version, retraction(k), k.seq);

const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;

/**
 * The conditional Update of an outbox item for one change: conditional on the
 * attempt counter read (and the deferral counter when given), so a stale or
 * repeated step can never overwrite a newer result.
 */
export function itemUpdate(
  tableName: string,
  key: OutboxKey,
  expected: { attempts: number; deferrals?: number },
  change: ItemChange,
  at: string,
): Update {
  const state = stateAfter(change);
  const values: Record<string, unknown> = {
    ':expected': expected.attempts,
    ':state': state,
    ':gsi': `DELIVERY#${state}`,
    ':at': at,
  };
  const set = ['#state = :state', 'gsi1pk = :gsi', 'updatedAt = :at'];
  const remove: string[] = [];
  let condition = 'attempts = :expected';
  if (expected.deferrals !== undefined) {
    condition += ' AND (deferrals = :deferrals OR (attribute_not_exists(deferrals) AND :deferrals = :zero))';
    Object.assign(values, { ':deferrals': expected.deferrals, ':zero': 0 });
  }
  if (change.state === 'deferred') {
    set.push('deferrals = if_not_exists(deferrals, :zero) + :one', 'nextAttemptAt = :nextAt');
    Object.assign(values, { ':zero': 0, ':one': 1, ':nextAt': change.nextAttemptAt });
  } else {
    set.push(
      'attempts = :next',
      'lastAttempt = :attempt',
      'history = list_append(if_not_exists(history, :empty), :history)',
    );
    Object.assign(values, {
      ':next': expected.attempts + 1,
      ':attempt': change.attempt,
      ':history': [change.attempt],
      ':empty': [],
    });
    // Empty maps are left out: DynamoDB Local's stream renders `{M: {}}` as `{}`, which no reader can decode.
    if (Object.keys(change.resourceIds).length) {
      set.push('resourceIds = :ids');
      values[':ids'] = change.resourceIds;
    }
    if (change.state === 'retrying') {
      set.push('nextAttemptAt = :nextAt');
      values[':nextAt'] = change.nextAttemptAt;
    } else remove.push('nextAttemptAt');
    if (change.state === 'delivered') {
      set.push('deliveredAt = :deliveredAt');
      values[':deliveredAt'] = change.deliveredAt;
    }
    if (change.state === 'parked') {
      set.push('parkedAt = :parkedAt', 'parkReason = :reason', 'operationOutcome = :oo');
      Object.assign(values, {
        ':parkedAt': change.parkedAt,
        ':reason': change.parkReason,
        ':oo': change.operationOutcome ?? [],
      });
    }
  }
  return {
    TableName: tableName,
    Key: marshall(itemKey(key)),
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: marshall(values, MARSHALL),
  };
}

/** The stored form of a new callback row (the stream announces it to the callback lane). */
export function callbackItem(row: CallbackRow): Record<string, unknown> {
  const { type, ...rest } = row;
  return { ...callbackItemKey(row), ...rest, type: 'callback', callbackType: type };
}

/** Maps a stored outbox item (or a stream image of one) to the port's shape. */
export function toOutboxItem(item: Record<string, unknown>): OutboxItem {
  const replayBase = Number(item.replayBase ?? 0);
  return {
    senderId: String(item.senderId),
    noteId: String(item.noteId),
    version: Number(item.version),
    eventKind: item.eventKind as OutboxItem['eventKind'],
    state: item.state as DeliveryState,
    tenant: String(item.tenant),
    cell: String(item.cell),
    ehrTarget: String(item.ehrTarget),
    encounterRef: String(item.encounterRef),
    patientRef: item.patientRef === undefined ? undefined : String(item.patientRef),
    receivedAt: String(item.receivedAt),
    attempts: Number(item.attempts ?? 0),
    attemptsSinceReplay: Number(item.attempts ?? 0) - replayBase,
    deferrals: Number(item.deferrals ?? 0),
    nextAttemptAt: item.nextAttemptAt as string | undefined,
    resourceIds: item.resourceIds as OutboxItem['resourceIds'],
    lastAttempt: item.lastAttempt as OutboxItem['lastAttempt'],
    history: (item.history as OutboxItem['history']) ?? [],
    deliveredAt: item.deliveredAt as string | undefined,
    parkedAt: item.parkedAt as string | undefined,
    parkReason: item.parkReason as OutboxItem['parkReason'],
    operationOutcome: item.operationOutcome as OutboxItem['operationOutcome'],
    updatedAt: item.updatedAt as string | undefined,
    retentionMark: item.retentionMark as OutboxItem['retentionMark'],
  };
}

/** Maps a stored callback row (or a stream image of one) to the domain's shape. */
export function toCallbackRow(item: Record<string, unknown>): CallbackRow {
  const optional = (name: string) => (item[name] === undefined ? {} : { [name]: String(item[name]) });
  return {
    senderId: String(item.senderId),
    noteId: String(item.noteId),
    version: Number(item.version),
    eventKind: item.eventKind as CallbackRow['eventKind'],
    seq: Number(item.seq),
    type: item.callbackType as CallbackRow['type'],
    webhookId: String(item.webhookId),
    cell: String(item.cell),
    occurredAt: String(item.occurredAt),
    state: item.state as CallbackRow['state'],
    attempts: Number(item.attempts ?? 0),
    ...optional('ehrResource'),
    ...optional('parkReason'),
    ...optional('nextAttemptAt'),
    ...optional('lastError'),
    ...optional('updatedAt'),
  };
}
