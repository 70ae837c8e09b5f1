import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalCell } from '../../infra/local/cells.js';
import { startDeliveryWorkers } from '../../infra/local/workers.js';
import { createTestTable, testDynamoClient, testDynamoEndpoint } from '../helpers/dynamo.js';

const dynamo = testDynamoClient();
afterAll(() => dynamo.destroy());

const putOutbox = (tableName: string, n: number) =>
  dynamo.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: `OUTBOX#sender#note-${n}` },
        sk: { S: 'V#1' },
        type: { S: 'outbox' },
        state: { S: 'pending' },
      },
    }),
  );

/** The delivery workers of one cell on `tableName`, recording what each run was handed. */
async function startWorkers(tableName: string, dataDir: string) {
  const delivered: string[] = [];
  const errors: unknown[] = [];
  const cell = { id: 'uk', tableName } as LocalCell;
  const workers = await startDeliveryWorkers({
    cells: [cell],
    handlers: new Map([
      [
        'uk',
        async (event: DynamoDBStreamEvent) => {
          delivered.push(...event.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? ''));
          return { batchItemFailures: [] };
        },
      ],
    ]),
    dynamo,
    dynamoEndpoint: testDynamoEndpoint(),
    dlqDir: join(dataDir, 'dlq'),
    checkpointDir: join(dataDir, 'streams'),
    onError: (_cell, error) => errors.push(error),
  });
  return { workers, delivered, errors };
}

describe('delivery checkpoints on a fresh data folder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vb-checkpoints-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('saves the checkpoint (folder 0700, file 0600) and a restarted worker resumes after it without redelivering', async () => {
    // Prepare: a data folder with no streams/ folder yet, two outbox records delivered by a first run.
    const dataDir = join(root, 'data');
    const tableName = await createTestTable(dynamo, 'checkpoint');
    await putOutbox(tableName, 1);
    await putOutbox(tableName, 2);
    const first = await startWorkers(tableName, dataDir);
    await first.workers.idle();
    await first.workers.stop();

    // Act: one more record, then a second run on the same data folder.
    await putOutbox(tableName, 3);
    const second = await startWorkers(tableName, dataDir);
    await second.workers.idle();
    await second.workers.stop();

    // Assess: no write failed, the second run got only the new record, the file is private.
    const file = join(dataDir, 'streams', `${tableName}.json`);
    expect([...first.errors, ...second.errors]).toEqual([]);
    expect(first.delivered).toEqual(['OUTBOX#sender#note-1', 'OUTBOX#sender#note-2']);
    expect(second.delivered).toEqual(['OUTBOX#sender#note-3']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
    expect((await stat(join(dataDir, 'streams'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
