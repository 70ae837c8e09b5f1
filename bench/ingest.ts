import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../infra/local/stack.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { fixturePatients, noteEvent } from '../test/fixtures/notes.js';
import { createBenchTable } from './bench-table.js';
import { scanTable } from './scan.js';
import { measure, type RunFigures, RunRecorder } from './stats.js';
import { type SignedWebhook, WebhookSender } from './webhook.js';

const noteId = (tag: string, i: number) => `bench-${tag}-${i}`;
const event = (tag: string, i: number) => noteEvent({ patient: fixturePatients.uk, noteId: noteId(tag, i) });

/** Posts `count` signed notes to the UK cell with `concurrency` senders; a 202 is a success. */
export async function ingestRun(
  stack: LocalStack,
  concurrency: number,
  count: number,
  tag: string,
): Promise<RunFigures> {
  const sender = new WebhookSender(stack, 'uk');
  try {
    return await measure(`ingest c=${concurrency}`, concurrency, count, async (i) => {
      return (await sender.post(event(tag, i))) === 202;
    });
  } finally {
    sender.close();
  }
}

export interface IngestAndFloor {
  ingest: RunFigures;
  floor: RunFigures & { sdkRetries: number };
}

/**
 * Ingest beside its storage floor, measured fairly: first `count` notes are
 * ingested untimed, and the very items ingest wrote for each (note, outbox,
 * webhook-id record) become the floor's transactions, each one conditional
 * TransactWriteItems into `floorTable`, a fresh table of the same DynamoDB Local
 * made before the section's first write (`createFloorTable`). Then
 * `count` new notes are ingested and the floor's transactions replayed in
 * alternating blocks of `blockSize` (which goes first alternates too), so both
 * runs see the same load from the rest of the machine. Both send prepared
 * requests (signed webhooks, built commands) at the same concurrency through
 * node:http keep-alive agents with the same settings.
 */
export async function ingestAgainstFloor(
  stack: LocalStack,
  table: string,
  options: { concurrency: number; count: number; blockSize: number; tag: string; floorTable: string },
): Promise<IngestAndFloor> {
  const { concurrency, count, blockSize, tag, floorTable } = options;
  const client = stack.dynamoClient;
  await ingestRun(stack, concurrency, count, `${tag}-seed`);
  const groups = await itemsByNote(client, table, `${tag}-seed`);
  if (groups.length !== count) throw new Error(`expected ${count} seeded notes, found ${groups.length}`);

  const sender = new WebhookSender(stack, 'uk');
  const ingest = new RunRecorder(`ingest c=${concurrency}`, concurrency);
  const floor = new RunRecorder(`floor c=${concurrency}`, concurrency);
  let sdkRetries = 0;
  try {
    for (let from = 0, block = 0; from < count; from += blockSize, block++) {
      const to = Math.min(count, from + blockSize);
      const webhooks: SignedWebhook[] = [];
      const commands: TransactWriteItemsCommand[] = [];
      for (let i = from; i < to; i++) {
        webhooks[i] = sender.sign(event(tag, i));
        commands[i] = floorCommand(floorTable, groups[i] ?? []);
      }
      const ingestBlock = () =>
        ingest.block(from, to, async (i) => (await sender.send(webhooks[i] as SignedWebhook)) === 202);
      const floorBlock = () =>
        floor.block(from, to, async (i) => {
          const out = await client.send(commands[i] as TransactWriteItemsCommand);
          sdkRetries += (out.$metadata.attempts ?? 1) - 1;
          return true;
        });
      if (block % 2 === 0) {
        await ingestBlock();
        await floorBlock();
      } else {
        await floorBlock();
        await ingestBlock();
      }
    }
  } finally {
    sender.close();
  }
  return { ingest: ingest.figures(), floor: { ...floor.figures(), sdkRetries } };
}

/** A fresh table of the cell table's shape for a floor, its stream started now (`createBenchTable`). */
export async function createFloorTable(client: DynamoDBClient): Promise<string> {
  const floorTable = `floor-${randomUUID().slice(0, 8)}`;
  await createBenchTable(client, createTableInput(floorTable));
  return floorTable;
}

function floorCommand(table: string, items: Record<string, AttributeValue>[]): TransactWriteItemsCommand {
  return new TransactWriteItemsCommand({
    TransactItems: items.map((Item) => ({
      Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    })),
  });
}

/** The items ingest wrote for each note of a run (note, outbox, webhook-id record), in note order. */
async function itemsByNote(
  client: DynamoDBClient,
  table: string,
  tag: string,
): Promise<Record<string, AttributeValue>[][]> {
  const prefix = `bench-${tag}-`;
  const byNote = new Map<number, Record<string, AttributeValue>[]>();
  for (const item of await scanTable(client, table)) {
    const note = item.noteId?.S ?? item.receipt?.M?.noteId?.S ?? '';
    if (!note.startsWith(prefix)) continue;
    const i = Number(note.slice(prefix.length));
    byNote.set(i, [...(byNote.get(i) ?? []), item]);
  }
  return [...byNote.keys()].sort((a, b) => a - b).map((i) => byNote.get(i) ?? []);
}
