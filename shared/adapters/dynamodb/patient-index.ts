import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandOutput,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { BackfillProgress, PatientIndex } from '../../ports/patient-index.js';
import {
  PATIENT_INDEX,
  PATIENT_INDEX_BACKFILL_KEY,
  PATIENT_INDEX_PROGRESS_KEY,
  patientIndexKey,
  patientIndexSortKey,
} from './keys.js';

const unavailable = (what: string, error: unknown) =>
  new AppError('storage-unavailable', `patient index ${what} failed`, {}, { cause: error });

type StartKey = ScanCommandOutput['LastEvaluatedKey'];

/**
 * The cell table's gsi2: each note version is indexed under `PATIENT#<pt_ref>` when it is accepted.
 * Versions a release before per-patient keys stored have no `gsi2pk`: the backfill finds them
 * with a Scan, gives each its index attributes by a conditional update, and after each page
 * records where it is, so a call that runs out of time (or is cut short) leaves the next call
 * to go on from there. Once a pass reaches the table's end it writes a marker item, and no
 * later call scans again.
 */
export class DynamoPatientIndex implements PatientIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** Items a scan page evaluates at most (DynamoDB's own 1 MB page when absent). */
    private readonly scanPageSize?: number,
  ) {}

  async holdsNotesOf(patientRef: string): Promise<boolean> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PATIENT_INDEX,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': patientIndexKey(patientRef) }),
          Limit: 1,
          Select: 'COUNT',
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('read', error);
      });
    return (out.Count ?? 0) > 0;
  }

  async indexUnindexedNotes(at: string, budgetMs = Number.POSITIVE_INFINITY): Promise<BackfillProgress> {
    if (await this.done()) return { indexed: 0, complete: true };
    const until = Date.now() + budgetMs;
    let indexed = 0;
    let start = await this.resumeFrom();
    do {
      const page = await this.client
        .send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression:
              '#type = :note AND attribute_not_exists(gsi2pk) AND attribute_exists(patientRef)',
            ProjectionExpression: 'pk, sk, patientRef, senderId, noteId, version, receivedAt',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: marshall({ ':note': 'note' }),
            ExclusiveStartKey: start,
            ...(this.scanPageSize ? { Limit: this.scanPageSize } : {}),
          }),
        )
        .catch((error: unknown) => {
          throw unavailable('backfill scan', error);
        });
      for (const raw of page.Items ?? []) if (await this.index(unmarshall(raw))) indexed += 1;
      start = page.LastEvaluatedKey;
      if (start)
        await this.putMaintenance(PATIENT_INDEX_PROGRESS_KEY, { startKey: JSON.stringify(start), at });
    } while (start && Date.now() < until);
    if (start) return { indexed, complete: false };
    await this.complete(at);
    return { indexed, complete: true };
  }

  /** Writes the marker and removes the scan's position, in one transaction: nothing is left to resume. */
  private async complete(at: string): Promise<void> {
    await this.client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({ ...PATIENT_INDEX_BACKFILL_KEY, type: 'maintenance', completedAt: at }),
              },
            },
            { Delete: { TableName: this.tableName, Key: marshall(PATIENT_INDEX_PROGRESS_KEY) } },
          ],
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('backfill marker write', error);
      });
  }

  /** Where the last call stopped, or the table's start. */
  private async resumeFrom(): Promise<StartKey> {
    const saved = (await this.getMaintenance(PATIENT_INDEX_PROGRESS_KEY))?.startKey?.S;
    return saved ? (JSON.parse(saved) as StartKey) : undefined;
  }

  private async done(): Promise<boolean> {
    return (await this.getMaintenance(PATIENT_INDEX_BACKFILL_KEY)) !== undefined;
  }

  private async getMaintenance(key: Record<string, string>) {
    const out = await this.client
      .send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }))
      .catch((error: unknown) => {
        throw unavailable('backfill marker read', error);
      });
    return out.Item;
  }

  private async putMaintenance(key: Record<string, string>, fields: Record<string, string>): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...key, type: 'maintenance', ...fields }),
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('backfill marker write', error);
      });
  }

  /** Gives one version its index attributes; false when it was deleted or indexed meanwhile. */
  private async index(item: Record<string, unknown>): Promise<boolean> {
    const version = {
      receivedAt: String(item.receivedAt),
      senderId: String(item.senderId),
      noteId: String(item.noteId),
      version: Number(item.version),
    };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: item.pk, sk: item.sk }),
          UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi2pk)',
          ExpressionAttributeValues: marshall({
            ':pk': patientIndexKey(String(item.patientRef)),
            ':sk': patientIndexSortKey(version),
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw unavailable('backfill update', error);
    }
  }
}
