import {
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { PatientKeyTable, WrappedPatientKey } from '../../ports/patient-keys.js';

/**
 * The patient key table of a cell: one item per patient (`patientRef`), holding that
 * patient's key wrapped under the cell key. A table of its own so that restoring the
 * data table never brings back a destroyed key, with a backup window (PITR) of its own.
 */
export const PATIENT_KEY_TABLE = {
  partitionKey: 'patientRef',
  /** Days a destroyed key can still come back from the table's own point-in-time backups (AWS). */
  recoveryDays: 7,
} as const;

/** The patient key table that goes with a cell's data table; CDK and the local runtime agree on it. */
export const patientKeyTableName = (dataTableName: string): string => `${dataTableName}-patient-keys`;

/** CreateTable input for the local runtime and tests (DynamoDB Local). */
export function createPatientKeyTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: PATIENT_KEY_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: PATIENT_KEY_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}

const unavailable = (what: string, error: unknown) =>
  new AppError('storage-unavailable', `patient key table ${what} failed`, {}, { cause: error });

/** PatientKeyTable on DynamoDB: conditional writes, so racing writers agree on one key. */
export class DynamoPatientKeyTable implements PatientKeyTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(patientRef: string): Promise<WrappedPatientKey | undefined> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall({ patientRef }),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw unavailable('read', error);
      });
    if (!out.Item) return undefined;
    const item = unmarshall(out.Item);
    return {
      patientRef: String(item.patientRef),
      keyId: String(item.keyId),
      wrapped: new Uint8Array(item.wrapped as Uint8Array),
      createdAt: String(item.createdAt),
    };
  }

  async putIfAbsent(key: WrappedPatientKey): Promise<WrappedPatientKey> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...key }),
          ConditionExpression: 'attribute_not_exists(patientRef)',
        }),
      );
      return key;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw unavailable('write', error);
      const stored = await this.get(key.patientRef);
      if (!stored) throw unavailable('write (key vanished in a race)', error);
      return stored;
    }
  }

  async delete(patientRef: string, keyId: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall({ patientRef }),
          ConditionExpression: 'keyId = :keyId',
          ExpressionAttributeValues: marshall({ ':keyId': keyId }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw unavailable('delete', error);
    }
  }

  async count(): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client
        .send(
          new ScanCommand({
            TableName: this.tableName,
            Select: 'COUNT',
            ExclusiveStartKey: start as never,
          }),
        )
        .catch((error: unknown) => {
          throw unavailable('count', error);
        });
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }
}
