import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  DELIVERY_LANES,
  DELIVERY_STREAM,
  type DeliveryLane,
  inLane,
  type StreamHandler,
} from '../../functions/deliver/handler-factory.js';
import { SDK_CLIENT_DEFAULTS } from '../../shared/adapters/aws/sdk-client.js';
import { LOCAL_CREDENTIALS } from '../../shared/adapters/dynamodb/client.js';
import type { LocalCell } from './cells.js';
import { SharedStreamReads } from './stream/shared-reads.js';
import type { StreamPoller } from './stream/types.js';
import { startStreamPoller } from './stream-poller.js';

/** Longest wait between reads of a quiet stream, per lane: writes through the stack wake the pollers. */
const MAX_IDLE_POLL_MS = { notes: 2_000, callbacks: 4_000 } as const;

/** The running delivery workers of the local stack. */
export interface DeliveryWorkers {
  pollers: Map<string, StreamPoller>;
  /** A cell's table was written to (an API call, a delivery step): its pollers read again within their poll interval. */
  wake(cellId: string): void;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs each cell's delivery worker on its table's stream, as the event source
 * mappings do in AWS: one poller per lane (outbox items; callback rows), batch item failures, bisection,
 * bounded retries, and an on-failure destination (an NDJSON file of the given-up
 * records' keys — PHI-free — under `<data>/dlq/`, folder 0700, files 0600).
 *
 * A quiet stream is read less and less often (up to every 2 s for notes, 4 s for callbacks), so an
 * idle stack costs little CPU; `wake(cell)`, called after every write through the stack's API and
 * after every delivery batch (which may write callback rows), has the cell's pollers read again within their poll interval (250 ms, 500 ms).
 */
export async function startDeliveryWorkers(input: {
  cells: LocalCell[];
  handlers: Map<string, StreamHandler>;
  dynamo: DynamoDBClient;
  dynamoEndpoint: string;
  dlqDir: string;
  checkpointDir?: string;
  onError: (cell: string, error: unknown) => void;
}): Promise<DeliveryWorkers> {
  const client = new DynamoDBStreamsClient({
    ...SDK_CLIENT_DEFAULTS,
    region: 'local',
    endpoint: input.dynamoEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const pollers = new Map<string, StreamPoller>();
  const cellPollers = new Map<string, StreamPoller[]>();
  const wake = (cellId: string) => {
    for (const poller of cellPollers.get(cellId) ?? []) poller.wakeShards();
  };
  for (const cell of input.cells) {
    const deliver = input.handlers.get(cell.id);
    if (!deliver) continue;
    const handler: StreamHandler = async (event, context) => {
      try {
        return await deliver(event, context);
      } finally {
        wake(cell.id);
      }
    };
    const lanes: StreamPoller[] = [];
    cellPollers.set(cell.id, lanes);
    // Both lanes read the stream once between them; each still batches, retries and checkpoints on its own.
    const sharedReads = new SharedStreamReads(client);
    const dlqFile = `${input.dlqDir}/${cell.id}.ndjson`;
    // One poller per lane, as one event source mapping per lane in AWS: callbacks never hold up notes.
    for (const lane of Object.keys(DELIVERY_LANES) as DeliveryLane[]) {
      const suffix = lane === 'notes' ? '' : `.${lane}`;
      const poller = await startStreamPoller({
        client,
        sharedReads,
        dynamo: input.dynamo,
        tableName: cell.tableName,
        handler,
        functionName: `visitbridge-${cell.id}-deliver`,
        filter: inLane(lane),
        maxRetries: DELIVERY_STREAM.retryAttempts,
        batchSize: DELIVERY_STREAM.batchSize,
        bisectOnError: true,
        // Callbacks may wait a little longer when idle: every idle poll reads the whole stream page.
        pollIntervalMs: lane === 'notes' ? 250 : 500,
        maxIdlePollMs: MAX_IDLE_POLL_MS[lane],
        checkpointFile: input.checkpointDir
          ? `${input.checkpointDir}/${cell.tableName}${suffix}.json`
          : undefined,
        onFailure: async (failure) => {
          await mkdir(dirname(dlqFile), { recursive: true, mode: 0o700 });
          const lines = failure.records.map((r) =>
            JSON.stringify({
              at: new Date().toISOString(),
              reason: failure.reason,
              attempts: failure.attempts,
              keys: r.dynamodb?.Keys,
              sequenceNumber: r.dynamodb?.SequenceNumber,
            }),
          );
          await appendFile(dlqFile, `${lines.join('\n')}\n`, { mode: 0o600 });
        },
        onError: (error) => input.onError(cell.id, error),
      });
      pollers.set(`${cell.id}${suffix}`, poller);
      lanes.push(poller);
    }
  }
  return {
    pollers,
    wake,
    idle: async () => void (await Promise.all([...pollers.values()].map((p) => p.idle()))),
    stop: async () => {
      await Promise.all([...pollers.values()].map((p) => p.stop()));
      client.destroy();
    },
  };
}
