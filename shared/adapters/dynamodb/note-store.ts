import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { Receipt } from '../../domain/event/schema.js';
import type {
  AcceptOutcome,
  AcceptRequest,
  DeliveryStatus,
  MessageRecord,
  NoteStore,
  NoteVersionRecord,
  PendingLedgerEntry,
} from '../../ports/note-store.js';
import { messageKey, noteKey, outboxKey, patientIndexKey, patientIndexSortKey } from './keys.js';
import { ShardLocks } from './ledger-lock.js';

/** Folds ledger entries into the note's transaction (`DynamoLedgerStore` implements it). */
export interface TransactionalLedger {
  /** Seals entries on the current heads: the Puts of the entries and of the heads they move. */
  prepareAppend(entries: readonly PendingLedgerEntry[]): Promise<{ items: TransactWriteItem[] }>;
  /** Whether a cancelled transaction lost a race on a ledger head (re-prepare and retry), given every item sent. */
  isHeadConflict(error: unknown, items: readonly TransactWriteItem[]): boolean;
  /** The shard an entry is chained in: writers in this process take turns per shard instead of racing. */
  shardOf(entry: PendingLedgerEntry): number;
}

/** How long a `webhook-id` is remembered: longer than any sender's retry schedule. */
const MESSAGE_TTL_SECONDS = 7 * 24 * 3600;
/** Tries of one accept when ledger heads are contended; back-off is jittered and capped. */
const MAX_ATTEMPTS = 30;
const MAX_BACKOFF_MS = 400;
const NOTE = 0;
const MESSAGE = 2;

/**
 * NoteStore on the cell's DynamoDB table: one TransactWriteItems per accepted
 * version (note ciphertext, delivery outbox, webhook-id record, ledger entries),
 * each conditional on not existing, so a redelivery or a race writes nothing.
 */
export class DynamoNoteStore implements NoteStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ledger?: TransactionalLedger,
    /** Tries of one accept while ledger heads are contended (MAX_ATTEMPTS unless a test stresses more). */
    private readonly maxAttempts = MAX_ATTEMPTS,
  ) {}

  /** In-process turn-taking per ledger shard (other processes are kept out by the head condition). */
  private readonly locks = new ShardLocks();

  private async findMessage(senderId: string, webhookId: string): Promise<MessageRecord | undefined> {
    const item = await this.get(messageKey(senderId, webhookId));
    return item ? { bodyHash: String(item.bodyHash), receipt: item.receipt as Receipt } : undefined;
  }

  async deliveryStatus(
    senderId: string,
    noteId: string,
    version: number,
  ): Promise<DeliveryStatus | undefined> {
    const { pk, sk } = outboxKey(senderId, noteId, version, false);
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: marshall({ ':pk': pk, ':sk': sk }),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'note table read failed', {}, { cause: error });
      });
    const items = (out.Items ?? []).map((item) => unmarshall(item));
    if (!items.length) return undefined;
    return {
      noteId,
      version,
      events: items.map((item) => ({
        event: item.eventKind,
        state: String(item.state),
        attempts: Number(item.attempts ?? 0),
        receivedAt: String(item.receivedAt),
        updatedAt: item.updatedAt,
        deliveredAt: item.deliveredAt,
        ehrResource: item.resourceIds?.documentReference
          ? `DocumentReference/${item.resourceIds.documentReference}`
          : undefined,
        parkReason: item.parkReason,
      })),
    };
  }

  async accept(request: AcceptRequest): Promise<AcceptOutcome> {
    const { ledger } = this;
    if (!ledger || request.ledgerEntries.length === 0) return this.write(request);
    const shards = request.ledgerEntries.map((entry) => ledger.shardOf(entry));
    return this.locks.with(shards, () => this.write(request));
  }

  private async write(request: AcceptRequest): Promise<AcceptOutcome> {
    for (let attempt = 1; ; attempt++) {
      const items = await this.transactionItems(request);
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return { status: 'accepted', receipt: request.record.receipt };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          throw new AppError('storage-unavailable', 'note table write failed', {}, { cause: error });
        }
        const reasons = error.CancellationReasons ?? [];
        const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
        if (failed(NOTE)) return this.resolveExistingVersion(request.record);
        if (failed(MESSAGE)) return this.resolveExistingMessage(request);
        const retryable = this.ledger
          ? this.ledger.isHeadConflict(error, items)
          : reasons.some((r) => r?.Code === 'TransactionConflict');
        if (retryable && attempt < this.maxAttempts) {
          await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 4 * 2 ** attempt));
          continue;
        }
        throw new AppError('storage-unavailable', 'note table write was cancelled', {}, { cause: error });
      }
    }
  }

  private async transactionItems(request: AcceptRequest): Promise<TransactWriteItem[]> {
    const { record } = request;
    const retraction = record.eventKind === 'retracted';
    const now = Math.floor(Date.parse(record.receipt.receivedAt) / 1000);
    const notPresent = 'attribute_not_exists(pk)';
    const put = (item: Record<string, unknown>): TransactWriteItem => ({
      Put: {
        TableName: this.tableName,
        Item: marshall(item, { removeUndefinedValues: true }),
        ConditionExpression: notPresent,
      },
    });
    const common = {
      senderId: record.senderId,
      noteId: record.noteId,
      version: record.version,
      eventKind: record.eventKind,
      tenant: record.tenant,
      cell: record.cell,
      receivedAt: record.receipt.receivedAt,
    };
    const ledgerItems =
      this.ledger && request.ledgerEntries.length
        ? (await this.ledger.prepareAppend(request.ledgerEntries)).items
        : [];
    return [
      put({
        ...noteKey(record.senderId, record.noteId, record.version, retraction),
        type: 'note',
        ...common,
        contentHash: record.contentHash,
        patientRef: record.patientRef,
        encounterRef: record.encounterRef,
        loincType: record.loincType,
        keyId: record.keyId,
        patientKeyId: record.patientKeyId,
        webhookId: record.webhookId,
        ciphertext: record.ciphertext,
        receipt: record.receipt,
        gsi2pk: patientIndexKey(record.patientRef),
        gsi2sk: patientIndexSortKey({ ...record, receivedAt: record.receipt.receivedAt }),
      }),
      put({
        ...outboxKey(record.senderId, record.noteId, record.version, retraction),
        type: 'outbox',
        ...common,
        state: 'pending',
        ehrTarget: record.ehrTarget,
        encounterRef: record.encounterRef,
        patientRef: record.patientRef,
        attempts: 0,
        deferrals: 0,
        gsi1pk: `DELIVERY#pending`,
        gsi1sk: `${record.receipt.receivedAt}#${record.senderId}#${record.noteId}#${record.version}`,
      }),
      put({
        ...messageKey(record.senderId, record.webhookId),
        type: 'message',
        bodyHash: request.bodyHash,
        receipt: record.receipt,
        expiresAt: now + MESSAGE_TTL_SECONDS,
      }),
      ...ledgerItems,
    ];
  }

  private async resolveExistingVersion(record: NoteVersionRecord): Promise<AcceptOutcome> {
    const existing = await this.get(
      noteKey(record.senderId, record.noteId, record.version, record.eventKind === 'retracted'),
    );
    if (!existing) throw new AppError('storage-unavailable', 'note version vanished during a conflict');
    if (existing.contentHash !== record.contentHash)
      return { status: 'conflict', reason: 'version-conflict' };
    return { status: 'duplicate', receipt: existing.receipt as Receipt };
  }

  private async resolveExistingMessage(request: AcceptRequest): Promise<AcceptOutcome> {
    const existing = await this.findMessage(request.record.senderId, request.record.webhookId);
    if (!existing) throw new AppError('storage-unavailable', 'webhook-id record vanished during a conflict');
    if (existing.bodyHash !== request.bodyHash) return { status: 'conflict', reason: 'webhook-id-reused' };
    return { status: 'duplicate', receipt: existing.receipt };
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }),
      );
      return out.Item ? unmarshall(out.Item) : undefined;
    } catch (error) {
      throw new AppError('storage-unavailable', 'note table read failed', {}, { cause: error });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
