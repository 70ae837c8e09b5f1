import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { ensureCellTable } from '../../infra/local/tables.js';
import { LOCAL_CREDENTIALS } from '../../shared/adapters/dynamodb/client.js';
import { scanAll, testDynamoClient, testDynamoEndpoint } from '../helpers/dynamo.js';

const dynamo = testDynamoClient();
const streams = new DynamoDBStreamsClient({
  region: 'local',
  endpoint: testDynamoEndpoint(),
  credentials: LOCAL_CREDENTIALS,
});
afterAll(() => {
  dynamo.destroy();
  streams.destroy();
});

/** Every record of a table's stream: event name and key. */
async function streamRecords(tableName: string): Promise<string[]> {
  const table = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = table.Table?.LatestStreamArn ?? '';
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription
    ?.Shards;
  const records: string[] = [];
  for (const shard of shards ?? []) {
    const start = { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' } as const;
    let iterator = (await streams.send(new GetShardIteratorCommand(start))).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (!page.Records?.length) break;
      records.push(...page.Records.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.pk?.S}`));
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

describe('local cell tables', () => {
  it('start their stream when created and keep no item of it; an existing table is left as it is', async () => {
    // Prepare: a new cell table name.
    const tableName = `cell-${randomUUID()}`;

    // Act: create it, then "create" it again as a restarted stack does.
    await ensureCellTable(dynamo, tableName);
    await ensureCellTable(dynamo, tableName);

    // Assess: the stream began with the table (one marker written and deleted, once), and the table is empty.
    expect(await streamRecords(tableName)).toEqual([
      'INSERT LOCAL#stream-start',
      'REMOVE LOCAL#stream-start',
    ]);
    expect(await scanAll(dynamo, tableName)).toEqual([]);
  });
});
