import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { Webhook } from 'standardwebhooks';
import { SAMPLE_PATIENTS, sampleEvent } from '../infra/local/sample-notes.js';
import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import type { LocalStack } from '../infra/local/stack.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { scanTable } from './scan.js';
import { measure, type RunFigures } from './stats.js';

/** Posts `count` signed notes to the UK cell with `concurrency` senders. */
export async function ingestRun(
  stack: LocalStack,
  concurrency: number,
  count: number,
  tag: string,
): Promise<RunFigures> {
  const signer = new Webhook(stack.demoSecret.value);
  const url = `${stack.url}/uk/v1/webhooks/${DEMO_SENDER_ID}`;
  return measure(`ingest c=${concurrency}`, concurrency, count, async (i) => {
    const body = JSON.stringify(sampleEvent({ patient: SAMPLE_PATIENTS.uk, noteId: `bench-${tag}-${i}` }));
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(id, now, body),
      },
      body,
    });
    await response.arrayBuffer();
    return response.status === 202;
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
): Promise<RunFigures> {
  const prefix = `bench-${tag}-`;
  const byNote = new Map<string, Record<string, AttributeValue>[]>();
  for (const item of await scanTable(client, sourceTable)) {
    const note = item.noteId?.S ?? item.receipt?.M?.noteId?.S ?? '';
    if (note.startsWith(prefix)) byNote.set(note, [...(byNote.get(note) ?? []), item]);
  }
  const groups = [...byNote.values()];
  const table = `floor-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand(createTableInput(table)));
  return measure(`floor c=${concurrency}`, concurrency, groups.length, async (i) => {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: (groups[i] ?? []).map((Item) => ({
          Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      }),
    );
    return true;
  });
}
