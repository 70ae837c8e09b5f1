import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { OutboxKey } from '../../domain/delivery/outbox-item.js';
import type { ErasureRequest, ErasureState, PatientNoteEvent } from '../../domain/erasure/erasure.js';
import { AppError } from '../../domain/errors.js';
import type { ErasureStore } from '../../ports/erasures.js';
import { erasureKey, noteKey, notePartition, PATIENT_INDEX, patientIndexKey } from './keys.js';
import { toOutboxItem, versionKeyOf } from './outbox-items.js';
import { type QueryInput, queryItems } from './query-pages.js';

const unavailable = (what: string, error: unknown) =>
  new AppError('storage-unavailable', `erasure ${what} failed`, {}, { cause: error });

/**
 * ErasureStore on the cell table: a patient's note versions are found through gsi2
 * (`PATIENT#<ref>`, written with each version), their delivery state in their note's
 * partition; requests are `ERASURE#<id>` items moved on with conditional writes.
 */
export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async patientNotes(patientRef: string): Promise<PatientNoteEvent[]> {
    const versions = await this.query({
      IndexName: PATIENT_INDEX,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': patientIndexKey(patientRef) }),
    });
    const partitions = new Map<string, Record<string, unknown>[]>();
    for (const v of versions) {
      const pk = notePartition(String(v.senderId), String(v.noteId));
      if (!partitions.has(pk)) {
        partitions.set(
          pk,
          await this.query({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: marshall({ ':pk': pk }),
            ConsistentRead: true,
          }),
        );
      }
    }
    const events: PatientNoteEvent[] = [];
    for (const items of partitions.values()) {
      const notes = items.filter((i) => i.type === 'note' && i.patientRef === patientRef);
      const outbox = items.filter((i) => i.type === 'outbox').map(toOutboxItem);
      for (const n of notes) {
        const o = outbox.find(
          (x) => x.version === n.version && x.eventKind === n.eventKind && x.noteId === n.noteId,
        );
        events.push({
          senderId: String(n.senderId),
          noteId: String(n.noteId),
          version: Number(n.version),
          eventKind: n.eventKind as PatientNoteEvent['eventKind'],
          tenant: String(n.tenant),
          receivedAt: String(n.receivedAt),
          ehrTarget: o?.ehrTarget ?? '',
          ...(o ? { state: o.state } : {}),
          ...(o?.resourceIds?.documentReference
            ? { documentReference: `DocumentReference/${o.resourceIds.documentReference}` }
            : {}),
          stored: n.ciphertext !== undefined,
          ...(typeof n.erasureId === 'string' ? { erasureId: n.erasureId } : {}),
          // A release before per-patient keys stored no patientKeyId: such a note is under the cell key.
          ...(n.patientKeyId === undefined ? { sealedUnderCellKey: true as const } : {}),
        });
      }
    }
    return events;
  }

  async create(request: ErasureRequest): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(
            { ...erasureKey(request.erasureId), type: 'erasure', ...request },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('write', error);
      });
  }

  async get(erasureId: string): Promise<ErasureRequest | undefined> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(erasureKey(erasureId)),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('read', error);
      });
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...request } = unmarshall(out.Item);
    return request as ErasureRequest;
  }

  async transition(erasureId: string, from: ErasureState, change: Partial<ErasureRequest>): Promise<boolean> {
    const entries = Object.entries(change).filter(([, v]) => v !== undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(erasureKey(erasureId)),
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { ...names, '#state': 'state' },
          ExpressionAttributeValues: marshall({ ...values, ':from': from }, { removeUndefinedValues: true }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw unavailable('update', error);
    }
  }

  async erasureOf(key: OutboxKey): Promise<string | undefined> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(versionKeyOf(key)),
          ProjectionExpression: 'erasureId',
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('read', error);
      });
    const erasureId = out.Item ? unmarshall(out.Item).erasureId : undefined;
    return typeof erasureId === 'string' ? erasureId : undefined;
  }

  async removeCiphertexts(notes: readonly PatientNoteEvent[], erasureId: string, at: string): Promise<void> {
    for (const n of notes) {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall(noteKey(n.senderId, n.noteId, n.version, n.eventKind === 'retracted')),
            UpdateExpression: 'REMOVE ciphertext SET erasedAt = :at, erasureId = :id',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: marshall({ ':at': at, ':id': erasureId }),
          }),
        );
      } catch (error) {
        // Expired (TTL) meanwhile: nothing left to remove.
        if (error instanceof ConditionalCheckFailedException) continue;
        throw unavailable('ciphertext removal', error);
      }
    }
  }

  private query(input: Omit<QueryInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return queryItems(this.client, { ...input, TableName: this.tableName }, (error) =>
      unavailable('read', error),
    );
  }
}
