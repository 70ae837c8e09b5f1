import { randomUUID } from 'node:crypto';
import type { KeyringNode } from '@aws-crypto/client-node';
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../infra/local/dynamodb-local.js';
import { startStream } from '../../infra/local/tables.js';
import { cellNoteEncryption } from '../../shared/adapters/crypto/note-encryptor.js';
import {
  createPatientKeyTableInput,
  DynamoPatientKeyTable,
  patientKeyTableName,
} from '../../shared/adapters/dynamodb/patient-key-table.js';
import { createTableInput } from '../../shared/adapters/dynamodb/table-definition.js';
import { type Clock, systemClock } from '../../shared/ports/clock.js';

/** Endpoint of the DynamoDB Local started by the global test setup. */
export function testDynamoEndpoint(): string {
  const endpoint = process.env.VB_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error('VB_TEST_DYNAMODB_ENDPOINT is not set: run tests through jest (global setup)');
  return endpoint;
}

export function testDynamoClient(): DynamoDBClient {
  return localDynamoClient(testDynamoEndpoint());
}

/**
 * Creates a fresh cell table with a unique name on DynamoDB Local and returns its name. Its
 * stream is started at once (`startStream`): tests share one DynamoDB Local, and a table whose
 * stream started with its first write would read every other table's stream records on each of
 * its writes. `rawStream` leaves the stream empty until the test writes, for tests that read
 * every record of it.
 */
export async function createTestTable(
  client: DynamoDBClient,
  prefix = 'test',
  options: { rawStream?: boolean } = {},
): Promise<string> {
  const name = `${prefix}-${randomUUID()}`;
  await client.send(new CreateTableCommand(createTableInput(name)));
  if (!options.rawStream) await startStream(client, name);
  return name;
}

/** Every item of a table, raw. */
export async function scanAll(client: DynamoDBClient, tableName: string) {
  const items = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * The note encryptor of a test cell as the functions build it: per-patient keys in a
 * patient key table created beside `tableName`, wrapped under `keyring`.
 */
export async function testEncryptor(
  client: DynamoDBClient,
  tableName: string,
  cell: { id: string; keyring: KeyringNode; keyId: string },
  clock: Clock = systemClock,
) {
  const keyTableName = patientKeyTableName(tableName);
  await client
    .send(new CreateTableCommand(createPatientKeyTableInput(keyTableName)))
    .catch((error: unknown) => {
      if (!(error instanceof ResourceInUseException)) throw error;
    });
  const patientKeyTable = new DynamoPatientKeyTable(client, keyTableName);
  return { ...cellNoteEncryption({ ...cell, table: patientKeyTable, clock }), patientKeyTable };
}
