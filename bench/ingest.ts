import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SAMPLE_PATIENTS, sampleEvent } from '../infra/local/sample-notes.js';
import type { LocalStack } from '../infra/local/stack.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { scanTable } from './scan.js';
import { measure, type RunFigures } from './stats.js';
import { WebhookSender } from './webhook.js';

/** Posts `count` signed notes to the UK cell with `concurrency` senders; a 202 is a success. */
export async function ingestRun(
  stack: LocalStack,
  concurrency: number,
  count: number,
  tag: string,
): Promise<RunFigures> {
  const sender = new WebhookSender(stack, 'uk');
  return measure(`ingest c=${concurrency}`, concurrency, count, async (i) => {
    const event = sampleEvent({ patient: SAMPLE_PATIENTS.uk, noteId: `bench-${tag}-${i}` });
    return (await sender.post(event)) === 202;
  });
}

/**
 * The storage floor: the very items ingest wrote for each note (note, outbox,
 * webhook-id record), written again with one conditional TransactWriteItems per
 * note into a fresh table on the same DynamoDB Local, at the same concurrency.
 */
export async function floorRun(
  client: DynamoDBClient,
  sourceTable: string,
  tag: string,
  concurrency: number,
): Promise<RunFigures & { sdkRetries: number }> {
  const prefix = `bench-${tag}-`;
  const byNote = new Map<string, Record<string, AttributeValue>[]>();
  for (const item of await scanTable(client, sourceTable)) {
    const note = item.noteId?.S ?? item.receipt?.M?.noteId?.S ?? '';
    if (note.startsWith(prefix)) byNote.set(note, [...(byNote.get(note) ?? []), item]);
  }
  const groups = [...byNote.values()];
  const table = `floor-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand(createTableInput(table)));
  let sdkRetries = 0;
  const figures = await measure(`floor c=${concurrency}`, concurrency, groups.length, async (i) => {
    const out = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: (groups[i] ?? []).map((Item) => ({
          Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      }),
    );
    sdkRetries += (out.$metadata.attempts ?? 1) - 1;
    return true;
  });
  return { ...figures, sdkRetries };
}
