import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoClient, startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { createBenchTable } from './bench-table.js';
import { cpuSample } from './cpu.js';
import { RunRecorder } from './stats.js';

/** One table shape's write rate on DynamoDB Local. */
export interface WriteCostFigures {
  table: string;
  transactions: number;
  perSecond: number;
  /** DynamoDB Local's CPU per transaction (absent where its JVM's CPU time cannot be read). */
  jvmMsPerTransaction?: number;
  errors: number;
}

/** Transactions at once: as many as the ingest runs' senders. */
const CONCURRENCY = 16;
/** Transactions per block; the shapes take turns block by block, so all see the same machine load. */
const BLOCK = 100;
/** A note version's ciphertext is about this size in the delivery runs. */
const CIPHERTEXT = new Uint8Array(2_000).map((_, i) => (i * 31) % 251);

/** The cell table's shape, and the same without its two global secondary indexes, and without its stream too. */
const SHAPES: Array<{ name: string; input: (tableName: string) => CreateTableCommandInput }> = [
  { name: 'cell table (stream, 2 global indexes)', input: createTableInput },
  { name: 'stream, no global indexes', input: (tableName) => withoutIndexes(createTableInput(tableName)) },
  {
    name: 'no stream, no global indexes',
    input: (tableName) => ({
      ...withoutIndexes(createTableInput(tableName)),
      StreamSpecification: undefined,
    }),
  },
];

/** A table input without its global indexes, and so without their key attributes' definitions. */
function withoutIndexes(input: CreateTableCommandInput): CreateTableCommandInput {
  const keys = new Set(input.KeySchema?.map((k) => k.AttributeName));
  return {
    ...input,
    GlobalSecondaryIndexes: undefined,
    AttributeDefinitions: input.AttributeDefinitions?.filter((a) => keys.has(a.AttributeName)),
  };
}

/**
 * What a write costs DynamoDB Local on a table shaped like a cell's: conditional
 * TransactWriteItems of three puts shaped like ingest's (a note version with its
 * patient-index keys and a 2 KB ciphertext, an outbox item with its delivery-index
 * keys, a webhook-id record), 16 at a time, into fresh tables of the cell's shape
 * and of the same shape without its global indexes, and without its stream. The
 * shapes take turns in blocks of 100. On a DynamoDB Local of its own (stopped
 * after), or on `endpoint`'s when one is given (with no JVM CPU figures then).
 */
export async function measureWriteCosts(
  endpoint: string | undefined,
  transactions: number,
): Promise<WriteCostFigures[]> {
  const dynamo = endpoint ? undefined : await startDynamoDbLocal({});
  const client = localDynamoClient(endpoint ?? dynamo?.endpoint ?? '');
  try {
    return await writeCosts(client, dynamo?.pid, transactions);
  } finally {
    client.destroy();
    await dynamo?.stop();
  }
}

async function writeCosts(
  client: DynamoDBClient,
  dynamoLocalPid: number | undefined,
  transactions: number,
): Promise<WriteCostFigures[]> {
  const suffix = randomUUID().slice(0, 8);
  const tables = SHAPES.map((shape, n) => ({ ...shape, tableName: `bench-writes-${n}-${suffix}` }));
  for (const t of tables) await createBenchTable(client, t.input(t.tableName));
  try {
    const runs = tables.map((t) => ({ ...t, recorder: new RunRecorder(t.name, CONCURRENCY), jvmMs: 0 }));
    let next = 0;
    const write = (tableName: string) => async () => {
      await client.send(new TransactWriteItemsCommand({ TransactItems: ingestLikePuts(tableName, next++) }));
      return true;
    };
    // Unmeasured first block per table: DynamoDB Local compiles its write path on first use.
    for (const run of runs)
      await new RunRecorder('warm-up', CONCURRENCY).block(0, BLOCK, write(run.tableName));
    for (let from = 0; from < transactions; from += BLOCK) {
      for (const run of runs) {
        const before = cpuSample(dynamoLocalPid).dynamoLocalMs;
        await run.recorder.block(from, Math.min(from + BLOCK, transactions), write(run.tableName));
        const after = cpuSample(dynamoLocalPid).dynamoLocalMs;
        run.jvmMs = before === undefined || after === undefined ? Number.NaN : run.jvmMs + after - before;
      }
    }
    return runs.map((run) => {
      const figures = run.recorder.figures();
      return {
        table: run.name,
        transactions: figures.count,
        perSecond: figures.perSecond,
        ...(Number.isNaN(run.jvmMs) ? {} : { jvmMsPerTransaction: run.jvmMs / figures.count }),
        errors: figures.errors,
      };
    });
  } finally {
    for (const t of tables)
      await client.send(new DeleteTableCommand({ TableName: t.tableName })).catch(() => 0);
  }
}

/** Three conditional puts shaped like one ingest transaction's items. */
function ingestLikePuts(tableName: string, n: number): TransactWriteItem[] {
  const put = (item: Record<string, AttributeValue>): TransactWriteItem => ({
    Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  const note = `NOTE#bench#note-${n}`;
  return [
    put({
      pk: { S: note },
      sk: { S: 'V#1' },
      type: { S: 'note' },
      ciphertext: { B: CIPHERTEXT },
      gsi2pk: { S: `PATIENT#pt-${n % 40}` },
      gsi2sk: { S: `${new Date().toISOString()}#${n}` },
    }),
    put({
      pk: { S: note },
      sk: { S: 'OUTBOX#V#1' },
      type: { S: 'outbox' },
      state: { S: 'pending' },
      gsi1pk: { S: 'DELIVERY#pending' },
      gsi1sk: { S: `${new Date().toISOString()}#${n}` },
    }),
    put({ pk: { S: `MSG#bench#msg-${n}` }, sk: { S: 'MSG' }, type: { S: 'message' } }),
  ];
}
