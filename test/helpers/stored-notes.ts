import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoNoteStore } from '../../shared/adapters/dynamodb/note-store.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import type { OutboxKey } from '../../shared/domain/delivery/outbox-item.js';

/** A note version as a test stores it: the real write paths of ingest and of the delivery worker. */
export interface StoredNote {
  noteId: string;
  patientRef: string;
  /** The organisation (tenant) the note came for. */
  tenant: string;
  receivedAt: string;
  /** Where its delivery ends: left pending, delivered or parked at `settledAt`. */
  state: 'pending' | 'delivered' | 'parked';
  settledAt?: string;
  version?: number;
}

export const TEST_SENDER = 'demo-telehealth';

/**
 * Stores a note version as ingest does (ciphertext, outbox item, webhook-id record) and
 * settles its delivery as the worker does; returns its outbox key.
 */
export async function storeNote(
  client: DynamoDBClient,
  tableName: string,
  note: StoredNote,
): Promise<OutboxKey> {
  const version = note.version ?? 1;
  const key: OutboxKey = { senderId: TEST_SENDER, noteId: note.noteId, version, eventKind: 'finalized' };
  await new DynamoNoteStore(client, tableName).accept({
    record: {
      ...key,
      tenant: note.tenant,
      cell: 'uk',
      contentHash: `h-${note.noteId}-${version}`,
      patientRef: note.patientRef,
      encounterRef: `enc-${note.noteId}`,
      ehrTarget: 'uk-ehr',
      loincType: '11506-3',
      ciphertext: new Uint8Array([1, 2, 3]),
      keyId: 'local:cell-uk',
      patientKeyId: 'pk-stored-note',
      webhookId: `msg_${note.noteId}_${version}`,
      receipt: {
        noteId: note.noteId,
        version,
        cell: 'uk',
        receivedAt: note.receivedAt,
        deliveryStatusUrl: 'https://uk.test/status',
      },
    },
    bodyHash: 'b'.repeat(64),
    ledgerEntries: [],
  });
  if (note.state === 'pending') return key;
  const at = note.settledAt ?? note.receivedAt;
  const attempt = { at, step: 'document-create' as const, outcome: 'ok' as const, durationMs: 5 };
  const settled =
    note.state === 'delivered'
      ? { state: 'delivered' as const, attempt, resourceIds: { documentReference: 'd1' }, deliveredAt: at }
      : {
          state: 'parked' as const,
          attempt: { ...attempt, outcome: 'rejected' as const, httpStatus: 422 },
          resourceIds: {},
          parkReason: 'rejected' as const,
          parkedAt: at,
        };
  if (!(await new DynamoOutbox(client, tableName).recordAttempt(key, 0, settled, at)))
    throw new Error(`could not settle ${note.noteId}`);
  return key;
}
