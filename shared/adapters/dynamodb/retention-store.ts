import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import {
  type EventMark,
  type EventSweep,
  historyRecords,
  type NoteEventRecords,
  type NotePartition,
  type SweepMark,
  type SweepWindow,
} from '../../domain/retention/decide.js';
import type { NoteRef, RemoveOutcome, RetentionStore } from '../../ports/retention-store.js';
import { HOLDS_VERSION_KEY, notePartition } from './keys.js';
import { callbackItemKey, itemKey, versionKeyOf } from './outbox-items.js';
import { DynamoOutbox } from './outbox-store.js';
import { queryPages } from './query-pages.js';
import { CELL_TABLE } from './table-definition.js';

const storageError = (what: string, cause: unknown) =>
  new AppError('storage-unavailable', `retention ${what} failed`, {}, { cause });

const STATE = { '#state': 'state' };
/** The gsi1 partitions of settled deliveries (`DELIVERY#<state>`, sorted by `<receivedAt>#…`), and when each settled. */
const SETTLED_PARTITIONS = [
  { state: 'delivered', partition: 'DELIVERY#delivered', settledAt: 'deliveredAt' },
  { state: 'parked', partition: 'DELIVERY#parked', settledAt: 'parkedAt' },
] as const;
/** The outbox item attributes of a sweep mark, and of the records a `newest-kept` mark stands for. */
const MARK = { '#mark': 'retentionMark', '#kept': 'retentionKept' };
/** The gsi1 partitions of the chains, sorted by `<at>#<shard>#<seq>`. */
const CHAIN_PARTITIONS = { ledger: 'LEDGER', audit: 'AUDIT' } as const;

/** A projected, filtered read of a gsi1 partition; `values` join the key condition's. */
interface IndexShape {
  ProjectionExpression: string;
  FilterExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  values: Record<string, string>;
}

/** The outbox item's delivery as read: what every write of the sweeper to it is conditional on. */
const asReadCondition = (event: NoteEventRecords) => ({
  ConditionExpression: '#state = :state AND attempts = :attempts',
  ExpressionAttributeNames: STATE,
  ExpressionAttributeValues: marshall({
    ':state': event.delivery.state,
    ':attempts': event.delivery.attempts,
  }),
});

/** The update noting `mark` on an event's outbox item, conditional on its delivery as read. */
function markAsRead(event: NoteEventRecords, mark: SweepMark) {
  const asRead = asReadCondition(event);
  return {
    UpdateExpression:
      mark === 'newest-kept' ? 'SET #mark = :mark, #kept = :kept' : 'SET #mark = :mark REMOVE #kept',
    ConditionExpression: asRead.ConditionExpression,
    ExpressionAttributeNames: { ...asRead.ExpressionAttributeNames, ...MARK },
    ExpressionAttributeValues: {
      ...asRead.ExpressionAttributeValues,
      ...marshall({ ':mark': mark, ...(mark === 'newest-kept' ? { ':kept': historyRecords(event) } : {}) }),
    },
  };
}

/**
 * The retention sweeper's view of the cell table. Candidates come from gsi1 (settled
 * deliveries by time received); a note is read whole in one consistent query (the
 * delivery worker's read); each event's deletion is one TransactWriteItems whose
 * every item is conditional on the event's delivery as read, and which checks the
 * legal holds' `VERSION`, so a hold placed during a run cancels it.
 */
export class DynamoRetentionStore implements RetentionStore {
  private readonly outbox: DynamoOutbox;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.outbox = new DynamoOutbox(client, tableName);
  }

  async *settledNotes(window: SweepWindow): AsyncIterable<NoteRef> {
    const seen = new Set<string>();
    for (const { state, partition, settledAt } of SETTLED_PARTITIONS) {
      const shape = {
        ProjectionExpression: 'senderId, noteId',
        // Unmarked items, and histories whose ciphertext is gone once their own period ends.
        FilterExpression: 'attribute_not_exists(#mark) OR (#mark = :gone AND #settled < :history)',
        ExpressionAttributeNames: { '#mark': MARK['#mark'], '#settled': settledAt },
        values: { ':gone': 'ciphertext-gone' satisfies SweepMark, ':history': window.historyBefore },
      };
      for await (const page of this.indexPages(partition, window.receivedBefore[state], shape))
        for (const item of (page.Items ?? []).map((i) => unmarshall(i))) {
          const note = { senderId: String(item.senderId), noteId: String(item.noteId) };
          const id = `${note.senderId}#${note.noteId}`;
          if (seen.has(id)) continue;
          seen.add(id);
          yield note;
        }
    }
  }

  async readNote(note: NoteRef): Promise<NotePartition | undefined> {
    const snapshot = await this.outbox.readNote(note.senderId, note.noteId);
    const [first] = snapshot.items;
    if (!first) return undefined;
    return {
      tenant: first.tenant,
      ...(first.patientRef ? { patientRef: first.patientRef } : {}),
      events: snapshot.items.map((item) => ({
        key: {
          senderId: item.senderId,
          noteId: item.noteId,
          version: item.version,
          eventKind: item.eventKind,
        },
        delivery: {
          state: item.state,
          attempts: item.attempts,
          ...(item.deliveredAt ? { deliveredAt: item.deliveredAt } : {}),
          ...(item.parkedAt ? { parkedAt: item.parkedAt } : {}),
        },
        hasCiphertext: snapshot.ciphertext(item) !== undefined,
        callbacks: snapshot.callbacks
          .filter((c) => c.version === item.version && c.eventKind === item.eventKind)
          .map((c) => ({ seq: c.seq, state: c.state })),
        ...(item.retentionMark ? { mark: item.retentionMark } : {}),
      })),
    };
  }

  async remove(due: EventSweep, holdsVersion: number): Promise<RemoveOutcome> {
    const items = this.removalItems(due, holdsVersion);
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return 'removed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw storageError('delete', error);
      const reasons = error.CancellationReasons ?? [];
      if (reasons[items.length - 1]?.Code === 'ConditionalCheckFailed') return 'holds-changed';
      if (reasons.some((r) => r?.Code === 'ConditionalCheckFailed' || r?.Code === 'TransactionConflict'))
        return 'moved-on';
      throw storageError('delete', error);
    }
  }

  async mark({ event, mark }: EventMark): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(itemKey(event.key)),
          ...markAsRead(event, mark),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw storageError('update', error);
    }
  }

  async countNewestKept(historyBefore: string): Promise<number> {
    let count = 0;
    for (const { partition, settledAt } of SETTLED_PARTITIONS) {
      const shape = {
        ProjectionExpression: '#kept',
        FilterExpression: '#mark = :kept AND #settled < :history',
        ExpressionAttributeNames: { ...MARK, '#settled': settledAt },
        values: { ':kept': 'newest-kept' satisfies SweepMark, ':history': historyBefore },
      };
      // A record settles after it is received: nothing received after `historyBefore` settled before it.
      for await (const page of this.indexPages(partition, historyBefore, shape))
        for (const item of page.Items ?? []) count += Number(unmarshall(item).retentionKept ?? 1);
    }
    return count;
  }

  async clearTtl(note: NoteRef): Promise<number> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :versions)',
          FilterExpression: 'attribute_exists(#ttl)',
          ExpressionAttributeNames: { '#ttl': CELL_TABLE.ttlAttribute },
          ExpressionAttributeValues: marshall({
            ':pk': notePartition(note.senderId, note.noteId),
            ':versions': 'V#',
          }),
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw storageError('read', error);
      });
    for (const key of out.Items ?? []) {
      await this.client
        .send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'REMOVE #ttl',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#ttl': CELL_TABLE.ttlAttribute },
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) return;
          throw storageError('update', error);
        });
    }
    return out.Items?.length ?? 0;
  }

  async countChained(chain: 'ledger' | 'audit', before: string): Promise<number> {
    let count = 0;
    for await (const page of this.indexPages(CHAIN_PARTITIONS[chain], before, { Select: 'COUNT' }))
      count += page.Count ?? 0;
    return count;
  }

  /** The ciphertext, history and guards of one event, the holds' version last (its failure is told apart). */
  private removalItems(due: EventSweep, holdsVersion: number): TransactWriteItem[] {
    const { key, callbacks } = due.event;
    const table = this.tableName;
    const asRead = asReadCondition(due.event);
    const items: TransactWriteItem[] = [];
    if (due.ciphertext) {
      items.push({
        Delete: {
          TableName: table,
          Key: marshall(versionKeyOf(key)),
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
    }
    if (due.history) {
      items.push({ Delete: { TableName: table, Key: marshall(itemKey(key)), ...asRead } });
      for (const callback of callbacks) {
        items.push({
          Delete: {
            TableName: table,
            Key: marshall(callbackItemKey({ ...key, seq: callback.seq })),
            ConditionExpression: '#state = :state',
            ExpressionAttributeNames: STATE,
            ExpressionAttributeValues: marshall({ ':state': callback.state }),
          },
        });
      }
    } else if (due.markAfter) {
      items.push({
        Update: { TableName: table, Key: marshall(itemKey(key)), ...markAsRead(due.event, due.markAfter) },
      });
    } else {
      items.push({ ConditionCheck: { TableName: table, Key: marshall(itemKey(key)), ...asRead } });
    }
    items.push({
      ConditionCheck: {
        TableName: table,
        Key: marshall(HOLDS_VERSION_KEY),
        ...(holdsVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(version)' }
          : {
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: marshall({ ':version': holdsVersion }),
            }),
      },
    });
    return items;
  }

  /** The query pages of one gsi1 partition sorted before `before`, counted or projected and filtered. */
  private async *indexPages(
    partition: string,
    before: string,
    shape: { Select: 'COUNT'; values?: undefined } | IndexShape,
  ): AsyncIterable<QueryCommandOutput> {
    const { values, ...rest } = shape;
    yield* queryPages(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: marshall({ ':pk': partition, ':before': before, ...values }),
        ...rest,
      },
      (error) => storageError('read', error),
    );
  }
}
