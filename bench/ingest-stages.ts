import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { buildIngestHandler } from '../functions/ingest/deps.js';
import { WEBHOOK_ROUTE } from '../functions/ingest/handler-factory.js';
import type { IngestStage } from '../functions/ingest/stage-timer.js';
import { localContext } from '../infra/local/api-gateway.js';
import { DEMO_SENDER_ID } from '../infra/local/settings.js';
import type { LocalStack } from '../infra/local/stack.js';
import type { HttpEvent } from '../shared/http/apigw.js';
import { fixturePatients, noteEvent } from '../test/fixtures/notes.js';
import { WebhookSender } from './webhook.js';

/** One row of the breakdown: mean milliseconds per note. */
export interface StageRow {
  stage: string;
  ms: number;
}

export interface StageBreakdown {
  notes: number;
  /** Mean time of the whole handler per note, in process (no HTTP). */
  handlerMs: number;
  /** Mean time of a note posted through the stack's HTTP gateway, alternating with the in-process notes. */
  httpMs: number;
  rows: StageRow[];
}

/**
 * Where one sender's note spends its time inside the ingest function. The UK
 * cell's ingest handler is built again from the stack's own settings with the
 * stage-timer hook (production builds it without), and invoked in process,
 * one note at a time, with the API Gateway events the local gateway would
 * pass it: the same checks, keys and table as the HTTP runs. Each such note
 * alternates with one posted through the stack's gateway, so the difference
 * of their means is the HTTP hop under the same machine load.
 */
export async function measureStages(stack: LocalStack, count: number, tag: string): Promise<StageBreakdown> {
  const cell = stack.cells.find((c) => c.id === 'uk');
  if (!cell) throw new Error('no uk cell');
  let totals = new Map<IngestStage, number>();
  const handler = await buildIngestHandler(cell.env('ingest'), {
    stageTimer: (stage, ms) => totals.set(stage, (totals.get(stage) ?? 0) + ms),
  });
  const signer = new Webhook(stack.demoSecret.value);
  const sender = new WebhookSender(stack, 'uk');
  let httpMs = 0;
  const note = async (i: number) => {
    const event = signedEvent(signer, `bench-${tag}-${i}`);
    const result = await handler(event, localContext('bench-ingest'));
    if (result.statusCode !== 202) throw new Error(`stage run: note ${i} got ${result.statusCode}`);
    const webhook = sender.sign(noteEvent({ patient: fixturePatients.uk, noteId: `bench-${tag}-http-${i}` }));
    const started = performance.now();
    const status = await sender.send(webhook);
    httpMs += performance.now() - started;
    if (status !== 202) throw new Error(`stage run: HTTP note ${i} got ${status}`);
  };
  try {
    for (let i = 0; i < 50; i++) await note(-1 - i);
    totals = new Map();
    httpMs = 0;
    for (let i = 0; i < count; i++) await note(i);
  } finally {
    sender.close();
  }

  const mean = (stage: IngestStage) => (totals.get(stage) ?? 0) / count;
  const useCaseParts = mean('movement decision') + mean('hashing') + mean('encryption') + mean('transaction');
  const handlerParts = mean('logger context') + mean('signature') + mean('use case') + mean('logging');
  return {
    notes: count,
    handlerMs: mean('handler'),
    httpMs: httpMs / count,
    rows: [
      { stage: 'logger context (middleware)', ms: mean('logger context') },
      { stage: 'signature check (middleware)', ms: mean('signature') },
      { stage: 'parse, zod validation, residency checks', ms: mean('use case') - useCaseParts },
      { stage: 'movement decision (policy)', ms: mean('movement decision') },
      { stage: 'keyed hashing (pseudonyms, body, content)', ms: mean('hashing') },
      { stage: 'encryption (ESDK, caching CMM)', ms: mean('encryption') },
      { stage: 'transaction (TransactWriteItems)', ms: mean('transaction') },
      { stage: 'logging', ms: mean('logging') },
      { stage: 'middy, error mapping, response', ms: mean('handler') - handlerParts },
    ],
  };
}

function signedEvent(signer: Webhook, noteId: string): HttpEvent {
  const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId }));
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: WEBHOOK_ROUTE,
    rawPath: `/v1/webhooks/${DEMO_SENDER_ID}`,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(id, now, body),
    },
    pathParameters: { senderId: DEMO_SENDER_ID },
    requestContext: { requestId: randomUUID(), routeKey: WEBHOOK_ROUTE },
    body,
    isBase64Encoded: false,
  } as unknown as HttpEvent;
}
