import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * The latest stream of a table, where an event source mapping reads.
 *
 * @throws when the table does not exist or has no stream enabled.
 */
export async function latestStreamArn(dynamo: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn || Table.StreamSpecification?.StreamEnabled === false) {
    throw new Error(`table ${tableName} has no stream to poll`);
  }
  return Table.LatestStreamArn;
}

/** Every shard the stream lists (DescribeStream, all pages). */
export async function listShards(
  client: DynamoDBStreamsClient,
  streamArn: string,
  signal: AbortSignal,
): Promise<Shard[]> {
  const shards: Shard[] = [];
  let ExclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }),
      { abortSignal: signal },
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (ExclusiveStartShardId);
  return shards;
}

/**
 * Shard lineage: the shards to start reading now. A shard waits while its parent
 * is listed and not yet drained, so a child's records never overtake its
 * parent's; a parent no longer listed was trimmed and holds nothing to wait for.
 */
export function shardsToStart(
  shards: readonly Shard[],
  isRunning: (shardId: string) => boolean,
  isDrained: (shardId: string) => boolean,
): string[] {
  const listed = new Set(shards.flatMap((s) => (s.ShardId ? [s.ShardId] : [])));
  return shards.flatMap(({ ShardId: id, ParentShardId: parent }) => {
    if (!id || isRunning(id) || isDrained(id)) return [];
    if (parent && listed.has(parent) && !isDrained(parent)) return [];
    return [id];
  });
}
