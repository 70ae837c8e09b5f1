import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  createPatientKeyTableInput,
  patientKeyTableName,
} from '../../shared/adapters/dynamodb/patient-key-table.js';
import { CELL_TABLE, createTableInput } from '../../shared/adapters/dynamodb/table-definition.js';

/** Creates `input`'s table; false when it already exists. */
async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
}

/** A key no record of the product uses: written and deleted once, to start a new table's stream. */
const STREAM_START = { pk: { S: 'LOCAL#stream-start' }, sk: { S: 'LOCAL#stream-start' } };

/**
 * Starts `tableName`'s stream now, leaving no item behind: puts a marker item and deletes it
 * (two stream records the delivery worker's lanes filter out). On every write to a table with a
 * stream, DynamoDB Local looks up the stream's first record by reading the stream records of every
 * table in the order they were written, up to that first record; a cell whose first write came
 * after hours of other cells' traffic would pay for reading all of it on each of its writes
 * (docs/benchmark.md#dynamodb-local-and-streams).
 */
export async function startStream(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: STREAM_START }));
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: STREAM_START }));
}

/**
 * Creates a cell table (same definition as CDK) with TTL on and its stream started
 * (`startStream`), and its patient key table beside it, unless they already exist.
 */
export async function ensureCellTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTable(client, createPatientKeyTableInput(patientKeyTableName(tableName)));
  if (!(await createTable(client, createTableInput(tableName)))) return;
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: CELL_TABLE.ttlAttribute, Enabled: true },
    }),
  );
  await startStream(client, tableName);
}
