import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { shardsToStart } from '../../infra/local/stream/shards.js';
import { SharedStreamReads } from '../../infra/local/stream/shared-reads.js';
import type { StreamFailure, StreamPoller, StreamPollerOptions } from '../../infra/local/stream/types.js';
import { startStreamPoller } from '../../infra/local/stream-poller.js';
import { LOCAL_CREDENTIALS } from '../../shared/adapters/dynamodb/client.js';
import { createTestTable, testDynamoClient, testDynamoEndpoint } from '../helpers/dynamo.js';

const dynamo = testDynamoClient();
const streams = new DynamoDBStreamsClient({
  region: 'local',
  endpoint: testDynamoEndpoint(),
  credentials: LOCAL_CREDENTIALS,
});
const pollers: StreamPoller[] = [];
const folders: string[] = [];
/** Poller-level errors; a test that expects none fails in afterEach when there are some. */
const errors: unknown[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await Promise.all(folders.splice(0).map((f) => rm(f, { recursive: true, force: true })));
  expect(errors.splice(0)).toEqual([]);
});
afterAll(() => {
  dynamo.destroy();
  streams.destroy();
});

const pkOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S ?? '';
const outbox = (n: number) => `OUTBOX#sender#note-${n}`;

async function put(tableName: string, pk: string, extra: Record<string, { B: Uint8Array }> = {}) {
  await dynamo.send(
    new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, sk: { S: 'V#1' }, ...extra } }),
  );
}

async function putOutbox(tableName: string, from: number, to: number) {
  for (let n = from; n <= to; n++) await put(tableName, outbox(n));
}

/** Every invocation's records and whether it returned (rather than threw). */
type Call = { pks: string[]; event: DynamoDBStreamEvent; context: Context; threw: boolean };

function recordingHandler(
  decide: (event: DynamoDBStreamEvent, callNo: number) => DynamoDBBatchResponse | undefined,
) {
  const calls: Call[] = [];
  const handler = async (event: DynamoDBStreamEvent, context: Context) => {
    const call: Call = { pks: event.Records.map(pkOf), event, context, threw: true };
    calls.push(call);
    const response = decide(event, calls.length);
    call.threw = false;
    return response;
  };
  return { calls, handler };
}

async function start(
  options: Partial<StreamPollerOptions> & Pick<StreamPollerOptions, 'tableName' | 'handler'>,
) {
  const poller = await startStreamPoller({
    client: streams,
    dynamo,
    functionName: 'deliver-test',
    pollIntervalMs: 20,
    retryDelayMs: 5,
    onError: (error) => errors.push(error),
    ...options,
  });
  pollers.push(poller);
  return poller;
}

/** A streams client that records the partition key of every record DynamoDB Local serves it, in order. */
function recordCountingClient(): { client: DynamoDBStreamsClient; served: () => string[] } {
  const client = new DynamoDBStreamsClient({
    region: 'local',
    endpoint: testDynamoEndpoint(),
    credentials: LOCAL_CREDENTIALS,
  });
  const pks: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetRecordsCommand') {
        const output = result.output as {
          Records?: Array<{ dynamodb?: { Keys?: { pk?: { S?: string } } } }>;
        };
        for (const record of output.Records ?? []) pks.push(record.dynamodb?.Keys?.pk?.S ?? '');
      }
      return result;
    },
    { step: 'initialize' },
  );
  return { client, served: () => [...pks] };
}

describe('stream poller on DynamoDB Local', () => {
  it('delivers every record once, in write order, in batches of at most batchSize', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-order', { rawStream: true });
    const { calls, handler } = recordingHandler(() => undefined);
    await putOutbox(tableName, 1, 7);
    // Act
    const poller = await start({ tableName, handler, batchSize: 3 });
    await poller.idle();
    // Assess
    expect(calls.flatMap((c) => c.pks)).toEqual([1, 2, 3, 4, 5, 6, 7].map(outbox));
    expect(calls.every((c) => c.pks.length <= 3)).toBe(true);
    expect(poller.stats()).toMatchObject({
      invocations: calls.length,
      recordsProcessed: 7,
      recordsFailed: 0,
    });
  });

  it('sends records in the event shape of Lambda’s event source mapping', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-shape', { rawStream: true });
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const { calls, handler } = recordingHandler(() => ({ batchItemFailures: [] }));
    const before = Math.floor(Date.now() / 1000) - 60;
    await put(tableName, outbox(1), { blob: { B: new Uint8Array([1, 2, 3]) } });
    await dynamo.send(
      new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: outbox(1) }, sk: { S: 'V#1' } } }),
    );
    // Act
    const poller = await start({ tableName, handler });
    await poller.idle();
    // Assess
    const [insert, remove] = calls.flatMap((c) => c.event.Records);
    expect(Object.keys(insert ?? {})).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(insert).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      eventSourceARN: Table?.LatestStreamArn,
      dynamodb: {
        Keys: { pk: { S: outbox(1) }, sk: { S: 'V#1' } },
        NewImage: { pk: { S: outbox(1) }, sk: { S: 'V#1' }, blob: { B: 'AQID' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before);
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(remove).toMatchObject({ eventName: 'REMOVE', dynamodb: { OldImage: { blob: { B: 'AQID' } } } });
    expect(calls[0]?.context.functionName).toBe('deliver-test');
  });

  it('skips records the filter rejects before batching and checkpoints past them', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-filter', { rawStream: true });
    const { calls, handler } = recordingHandler(() => undefined);
    await put(tableName, 'NOTE#sender#note-1');
    await putOutbox(tableName, 1, 2);
    await put(tableName, 'MSG#sender#hook-1');
    await putOutbox(tableName, 3, 3);
    // Act
    const poller = await start({ tableName, handler, filter: (r) => pkOf(r).startsWith('OUTBOX#') });
    await poller.idle();
    // Assess
    expect(calls.map((c) => c.pks)).toEqual([[outbox(1), outbox(2), outbox(3)]]);
    expect(poller.stats()).toMatchObject({ recordsFiltered: 2, recordsProcessed: 3 });
  });

  it('retries a partially failed batch from the lowest failed record, never re-sending those before it', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-partial', { rawStream: true });
    await putOutbox(tableName, 1, 5);
    const { calls, handler } = recordingHandler((event, callNo) => {
      const failing = callNo === 1 ? [event.Records[3], event.Records[2]] : [];
      return {
        batchItemFailures: failing.map((r) => ({ itemIdentifier: r?.dynamodb?.SequenceNumber ?? '' })),
      };
    });
    // Act
    const poller = await start({ tableName, handler, batchSize: 5 });
    await poller.idle();
    // Assess
    expect(calls.map((c) => c.pks)).toEqual([[1, 2, 3, 4, 5].map(outbox), [3, 4, 5].map(outbox)]);
    expect(poller.stats()).toMatchObject({ retries: 1, recordsProcessed: 5, recordsFailed: 0 });
  });

  it('gives up a record still reported failed after maxRetries and moves past the rest of its batch', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-partial-dlq', { rawStream: true });
    await putOutbox(tableName, 1, 4);
    const { calls, handler } = recordingHandler((event) => ({
      batchItemFailures: event.Records.filter((r) => pkOf(r) === outbox(2)).map((r) => ({
        itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
      })),
    }));
    const failures: StreamFailure[] = [];
    // Act
    const poller = await start({
      tableName,
      handler,
      batchSize: 3,
      maxRetries: 1,
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await poller.idle();
    // Assess
    expect(calls.map((c) => c.pks)).toEqual([
      [outbox(1), outbox(2), outbox(3)],
      [outbox(2), outbox(3)],
      [outbox(4)],
    ]);
    expect(failures.map((f) => [f.records.map(pkOf), f.attempts])).toEqual([[[outbox(2)], 2]]);
  });

  it('isolates a poison record by bisection and hands it to onFailure after maxRetries', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-poison', { rawStream: true });
    await putOutbox(tableName, 1, 8);
    const poison = outbox(3);
    const { calls, handler } = recordingHandler((event) => {
      if (event.Records.some((r) => pkOf(r) === poison)) throw new Error('cannot map this note');
      return undefined;
    });
    const failures: StreamFailure[] = [];
    // Act
    const poller = await start({
      tableName,
      handler,
      batchSize: 4,
      maxRetries: 3,
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await poller.idle();
    // Assess
    expect(failures).toEqual([
      {
        records: [expect.objectContaining({ eventName: 'INSERT' })],
        reason: expect.any(String),
        attempts: 4,
      },
    ]);
    expect(failures[0]?.records.map(pkOf)).toEqual([poison]);
    expect(failures[0]?.reason).toMatch(
      /retry attempts exhausted: handler error \(Error: cannot map this note\)/,
    );
    const succeeded = calls.filter((c) => !c.threw).flatMap((c) => c.pks);
    expect(succeeded).toEqual([1, 2, 4, 5, 6, 7, 8].map(outbox));
    expect(calls.filter((c) => c.pks.includes(poison)).length).toBe(4);
    expect(poller.stats()).toMatchObject({ recordsProcessed: 7, recordsFailed: 1 });
  });

  it('without bisection retries a thrown batch whole and gives the whole batch up', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-nobisect', { rawStream: true });
    await putOutbox(tableName, 1, 3);
    const { calls, handler } = recordingHandler((event) => {
      if (event.Records.some((r) => pkOf(r) === outbox(2))) throw new Error('target down');
      return undefined;
    });
    const failures: StreamFailure[] = [];
    // Act
    const poller = await start({
      tableName,
      handler,
      batchSize: 2,
      maxRetries: 1,
      bisectOnError: false,
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await poller.idle();
    // Assess
    expect(calls.map((c) => c.pks)).toEqual([[outbox(1), outbox(2)], [outbox(1), outbox(2)], [outbox(3)]]);
    expect(failures.map((f) => [f.records.map(pkOf), f.attempts])).toEqual([[[outbox(1), outbox(2)], 2]]);
  });

  it('keeps a given-up record until the on-failure destination accepts it', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-dlq', { rawStream: true });
    await putOutbox(tableName, 1, 2);
    const { calls, handler } = recordingHandler((event) => {
      if (event.Records.some((r) => pkOf(r) === outbox(1))) throw new Error('cannot map this note');
      return undefined;
    });
    const offered: string[][] = [];
    // Act
    const poller = await start({
      tableName,
      handler,
      batchSize: 1,
      maxRetries: 0,
      onFailure: async (failure) => {
        offered.push(failure.records.map(pkOf));
        if (offered.length === 1) throw new Error('queue unavailable');
      },
    });
    await poller.idle();
    // Assess
    expect(offered).toEqual([[outbox(1)], [outbox(1)]]);
    expect(calls.map((c) => [c.pks, c.threw])).toEqual([
      [[outbox(1)], true],
      [[outbox(2)], false],
    ]);
    expect(errors.splice(0).map((e) => (e as Error).message)).toEqual([
      'the on-failure destination rejected records',
    ]);
    expect(poller.stats()).toMatchObject({ recordsFailed: 1, recordsProcessed: 1, errors: 1 });
  });

  it('resumes from the checkpoint file after a restart without re-delivering handled records', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-restart', { rawStream: true });
    const folder = await mkdtemp(join(tmpdir(), 'vb-poller-'));
    folders.push(folder);
    const checkpointFile = join(folder, 'checkpoint.json');
    await putOutbox(tableName, 1, 3);
    const first = recordingHandler(() => undefined);
    const firstPoller = await start({ tableName, handler: first.handler, checkpointFile });
    await firstPoller.idle();
    await firstPoller.stop();
    await putOutbox(tableName, 4, 5);
    const second = recordingHandler(() => undefined);
    // Act
    const secondPoller = await start({ tableName, handler: second.handler, checkpointFile });
    await secondPoller.idle();
    await secondPoller.stop(); // its last checkpoint is flushed on stop
    // Assess
    expect(first.calls.flatMap((c) => c.pks)).toEqual([1, 2, 3].map(outbox));
    expect(second.calls.flatMap((c) => c.pks)).toEqual([4, 5].map(outbox));
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8'));
    expect(saved).toMatchObject({ version: 1, streamArn: secondPoller.stats().streamArn });
    const sequences = Object.values(saved.shards as Record<string, { sequenceNumber: string }>);
    expect(sequences.map((s) => s.sequenceNumber)).toContain(
      second.calls.at(-1)?.event.Records.at(-1)?.dynamodb?.SequenceNumber,
    );
  });

  it('stop() waits for the batch in flight, checkpoints it and delivers nothing after', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-stop', { rawStream: true });
    const folder = await mkdtemp(join(tmpdir(), 'vb-poller-'));
    folders.push(folder);
    const checkpointFile = join(folder, 'checkpoint.json');
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const pks: string[] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      entered();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      pks.push(...event.Records.map(pkOf));
    };
    await putOutbox(tableName, 1, 1);
    const poller = await start({ tableName, handler, checkpointFile });
    await inHandler;
    // Act
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedBeforeRelease = stopped;
    release();
    await stopping;
    await putOutbox(tableName, 2, 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Assess
    expect(stoppedBeforeRelease).toBe(false);
    expect(pks).toEqual([outbox(1)]);
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8'));
    expect(Object.values(saved.shards)).toEqual([{ sequenceNumber: expect.stringMatching(/^\d+$/) }]);
    expect(poller.stats().activeShards).toBe(0);
  });

  it('reads a quiet stream less and less often, and reads at once after wakeShards()', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-backoff', { rawStream: true });
    const counted = new DynamoDBStreamsClient({
      region: 'local',
      endpoint: testDynamoEndpoint(),
      credentials: LOCAL_CREDENTIALS,
    });
    let reads = 0;
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand') reads += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const { calls, handler } = recordingHandler(() => undefined);
    await putOutbox(tableName, 1, 1);
    const poller = await start({
      tableName,
      handler,
      client: counted,
      pollIntervalMs: 5,
      maxIdlePollMs: 60_000,
    });
    await poller.idle();
    // Nine empty reads in a row: waits of 5, 10, … 1,280 ms, and now one of 2,560 ms, then 5,120 ms.
    const quietFrom = reads;
    while (reads < quietFrom + 10) await new Promise((resolve) => setTimeout(resolve, 20));
    const readsBefore = reads;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const readsWhileQuiet = reads - readsBefore;
    // Act
    await putOutbox(tableName, 2, 2);
    const woken = Date.now();
    poller.wakeShards();
    while (calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const delivered = Date.now() - woken;
    // Assess
    expect(readsWhileQuiet).toBe(0);
    expect(calls.flatMap((c) => c.pks)).toEqual([outbox(1), outbox(2)]);
    // The wait it cut had more than a second left (see above); the read after a wake is immediate.
    expect(delivered).toBeLessThan(1_000);
    await poller.stop();
    counted.destroy();
  });

  it('with shared reads, two pollers of one table each get every record while DynamoDB serves it once', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-shared', { rawStream: true });
    const { client: counted, served } = recordCountingClient();
    const reads = new SharedStreamReads(counted);
    const lanes = [recordingHandler(() => undefined), recordingHandler(() => undefined)];
    await putOutbox(tableName, 1, 6);
    // Act
    const started = await Promise.all(
      lanes.map(({ handler }, lane) =>
        start({ tableName, handler, client: counted, sharedReads: reads, batchSize: 2 + lane }),
      ),
    );
    await Promise.all(started.map((p) => p.idle()));
    await putOutbox(tableName, 7, 9);
    await Promise.all(started.map((p) => p.idle()));
    // Assess
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(outbox);
    for (const { calls } of lanes) expect(calls.flatMap((c) => c.pks)).toEqual(all);
    expect(served()).toEqual(all);
    await Promise.all(started.map((p) => p.stop()));
    counted.destroy();
  });

  it('with shared reads, a poller never waits for a stuck one, and one far behind reads on its own', async () => {
    // Prepare: at most two records kept for a reader that is behind.
    const tableName = await createTestTable(dynamo, 'poll-shared-behind', { rawStream: true });
    const reads = new SharedStreamReads(streams, 2);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stuck = recordingHandler(() => undefined);
    const moving = recordingHandler(() => undefined);
    const late = recordingHandler(() => undefined);
    await putOutbox(tableName, 1, 6);
    // Act: one lane stuck in its first batch; the other goes on; a third joins later from the start.
    await start({
      tableName,
      sharedReads: reads,
      batchSize: 1,
      handler: async (event, context) => {
        await stuck.handler(event, context);
        await held;
      },
    });
    const going = await start({ tableName, sharedReads: reads, handler: moving.handler });
    await going.idle();
    const joining = await start({ tableName, sharedReads: reads, handler: late.handler });
    await joining.idle();
    release();
    // Assess
    const all = [1, 2, 3, 4, 5, 6].map(outbox);
    expect(stuck.calls.flatMap((c) => c.pks)).toEqual([outbox(1)]);
    expect(moving.calls.flatMap((c) => c.pks)).toEqual(all);
    expect(late.calls.flatMap((c) => c.pks)).toEqual(all);
  });

  it('refuses a longest idle wait shorter than the poll interval', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-idle-range', { rawStream: true });
    const { handler } = recordingHandler(() => undefined);
    // Act
    const starting = start({ tableName, handler, pollIntervalMs: 100, maxIdlePollMs: 50 });
    // Assess
    await expect(starting).rejects.toThrow('maxIdlePollMs must be an integer ≥ 100');
  });

  it('stop() returns promptly while shards wait between polls', async () => {
    // Prepare
    const tableName = await createTestTable(dynamo, 'poll-prompt', { rawStream: true });
    const { handler } = recordingHandler(() => undefined);
    const poller = await start({ tableName, handler, pollIntervalMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    // Act
    await poller.stop();
    // Assess
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(poller.stats().activeShards).toBe(0);
  });
});

describe('shard lineage', () => {
  const shards = [
    { ShardId: 'parent' },
    { ShardId: 'child', ParentShardId: 'parent' },
    { ShardId: 'orphan', ParentShardId: 'trimmed-long-ago' },
  ];

  it('starts a child shard only once its listed parent is drained', () => {
    // Act
    const whileParentOpen = shardsToStart(
      shards,
      () => false,
      () => false,
    );
    const afterParent = shardsToStart(
      shards,
      () => false,
      (id) => id === 'parent',
    );
    // Assess
    expect(whileParentOpen).toEqual(['parent', 'orphan']);
    expect(afterParent).toEqual(['child', 'orphan']);
  });

  it('does not start a shard that is already being read', () => {
    // Act
    const started = shardsToStart(
      shards,
      (id) => id === 'parent' || id === 'orphan',
      () => false,
    );
    // Assess
    expect(started).toEqual([]);
  });
});
