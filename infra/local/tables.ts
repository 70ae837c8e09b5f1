import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
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

/**
 * Creates a cell table (same definition as CDK) with TTL on, and its patient key table
 * beside it, unless they already exist.
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
}
