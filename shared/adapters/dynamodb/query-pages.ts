import {
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A Query without its start key: `queryPages` pages through it. */
export type QueryInput = Omit<QueryCommandInput, 'ExclusiveStartKey'>;

/**
 * Every page of a Query, following LastEvaluatedKey. `failed` turns an SDK error into the
 * adapter's own (an AppError('storage-unavailable') naming what was read).
 */
export async function* queryPages(
  client: DynamoDBClient,
  input: QueryInput,
  failed: (error: unknown) => Error,
): AsyncIterable<QueryCommandOutput> {
  let start: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page: QueryCommandOutput = await client
      .send(new QueryCommand({ ...input, ExclusiveStartKey: start }))
      .catch((error: unknown) => {
        throw failed(error);
      });
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of a Query, unmarshalled. */
export async function queryItems(
  client: DynamoDBClient,
  input: QueryInput,
  failed: (error: unknown) => Error,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(client, input, failed))
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
  return items;
}
