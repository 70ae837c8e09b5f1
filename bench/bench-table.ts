import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { startStream } from '../infra/local/tables.js';

/**
 * Creates a table for a measured run with its stream started at once, as the local stack
 * starts each cell table's (`startStream`): a table made mid-run would otherwise pay, on each
 * write, for DynamoDB Local reading every stream record written before its first, and be
 * measured slower than the cell tables it is held against.
 */
export async function createBenchTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
): Promise<void> {
  await client.send(new CreateTableCommand(input));
  if (input.TableName && input.StreamSpecification?.StreamEnabled) await startStream(client, input.TableName);
}
