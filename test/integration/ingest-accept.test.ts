import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { scanAll } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders } from '../helpers/signing.js';

const WEBHOOK = `/v1/webhooks/${DEMO_SENDER_ID}`;

describe('ingest through the local stack', () => {
  let stack: TestStack;
  let secret: string;

  beforeAll(async () => {
    stack = await startTestStack();
    secret = stack.demoSecret.value;
  });
  afterAll(async () => stack.dispose());

  const tableOf = (cell: string) => stack.cells.find((c) => c.id === cell)?.tableName ?? '';
  const itemsOf = async (cell: string) =>
    (await scanAll(stack.dynamoClient, tableOf(cell))).map((i) => unmarshall(i));
  const send = (cell: string, body: string, headers = signedHeaders({ secret, body })) =>
    stack.post(cell, WEBHOOK, body, headers);

  it('accepts a signed note with 202 and a receipt, storing note, outbox and webhook-id record', async () => {
    // Prepare
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'accept-1' });
    // Act
    const response = await send('uk', JSON.stringify(event));
    // Assess
    expect(response.status).toBe(202);
    const receipt = await response.json();
    expect(receipt).toEqual({
      noteId: 'accept-1',
      version: 1,
      cell: 'uk',
      receivedAt: expect.any(String),
      deliveryStatusUrl: expect.stringContaining(
        `${stack.url}/uk/v1/senders/${DEMO_SENDER_ID}/notes/accept-1/versions/1/delivery?sig=`,
      ),
    });
    const items = (await itemsOf('uk')).filter((i) => String(i.pk).includes('accept-1') || i.webhookId);
    expect(items.map((i) => i.type).sort()).toEqual(['note', 'outbox']);
    expect((await itemsOf('uk')).some((i) => i.type === 'message')).toBe(true);
  });

  it('answers a redelivery of the same webhook-id with 200 and the same receipt, storing nothing new', async () => {
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'redeliver-1' }));
    const headers = signedHeaders({ secret, body });
    const first = await (await send('uk', body, headers)).json();
    const before = (await itemsOf('uk')).length;

    const again = await send('uk', body, headers);

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect((await itemsOf('uk')).length).toBe(before);
  });

  it('answers the same note version with the same content under a new webhook-id with 200 and the first receipt', async () => {
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.eu, noteId: 'same-content' }));
    const first = await (await send('eu', body)).json();
    const before = (await itemsOf('eu')).length;

    const again = await send('eu', body);

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect((await itemsOf('eu')).length).toBe(before);
  });

  it('refuses the same note version with different content with 409', async () => {
    const at = new Date();
    await send('us', JSON.stringify(noteEvent({ patient: fixturePatients.us, noteId: 'conflict-1', at })));
    const before = (await itemsOf('us')).length;

    const changed = noteEvent({
      patient: fixturePatients.us,
      noteId: 'conflict-1',
      at,
      text: 'Different text',
    });
    const response = await send('us', JSON.stringify(changed));

    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await response.json()).type).toBe('https://visitbridge.dev/problems/version-conflict');
    expect((await itemsOf('us')).length).toBe(before);
  });

  it('refuses a webhook-id reused for a different body with 409', async () => {
    const first = JSON.stringify(noteEvent({ patient: fixturePatients.ca, noteId: 'reuse-1' }));
    const id = 'msg_reused_id';
    await send('ca', first, signedHeaders({ secret, body: first, id }));
    const before = (await itemsOf('ca')).length;

    const other = JSON.stringify(noteEvent({ patient: fixturePatients.ca, noteId: 'reuse-2' }));
    const response = await send('ca', other, signedHeaders({ secret, body: other, id }));

    expect(response.status).toBe(409);
    expect((await response.json()).type).toBe('https://visitbridge.dev/problems/webhook-id-reused');
    expect((await itemsOf('ca')).length).toBe(before);
  });

  it('accepts an amendment as a new version of the same note', async () => {
    await send('uk', JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'amend-1' })));

    const amended = noteEvent({
      patient: fixturePatients.uk,
      noteId: 'amend-1',
      version: 2,
      text: 'Addendum',
    });
    const response = await send('uk', JSON.stringify(amended));

    expect(response.status).toBe(202);
    expect((await response.json()).version).toBe(2);
  });

  it('refuses a note for a patient of another cell with 421 naming the right endpoint, storing nothing anywhere', async () => {
    const counts = await Promise.all(stack.cells.map(async (c) => (await itemsOf(c.id)).length));

    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'misrouted-1' });
    const response = await send('ca', JSON.stringify(event));

    expect(response.status).toBe(421);
    const problem = await response.json();
    expect(problem.type).toBe('https://visitbridge.dev/problems/misdirected-request');
    expect(problem.correctEndpoint).toBe(`${stack.url}/uk/v1/webhooks/${DEMO_SENDER_ID}`);
    expect(await Promise.all(stack.cells.map(async (c) => (await itemsOf(c.id)).length))).toEqual(counts);
  });

  it('serves the delivery status at the receipt URL and refuses a forged signature', async () => {
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.au, noteId: 'status-1' }));
    const receipt = await (await send('au', body)).json();

    const status = await fetch(receipt.deliveryStatusUrl);
    const forged = await fetch(receipt.deliveryStatusUrl.replace(/sig=.*/, 'sig=forged'));

    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({
      noteId: 'status-1',
      version: 1,
      events: [expect.objectContaining({ event: 'finalized', state: 'pending', attempts: 0 })],
    });
    expect(forged.status).toBe(404);
  });

  it('answers /healthz with every cell and its webhook URL', async () => {
    const health = await (await fetch(`${stack.url}/healthz`)).json();

    expect(health.status).toBe('ok');
    expect(Object.keys(health.cells)).toEqual(['uk', 'eu', 'us', 'ca', 'au']);
    expect(health.cells.uk.webhookUrl).toBe(`${stack.url}/uk/v1/webhooks/{senderId}`);
    expect(health.dynamodb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('publishes the event JSON Schema and OpenAPI generated from the zod schemas', async () => {
    const schema = await (await fetch(`${stack.url}/schemas/visit-note-event.v1.json`)).json();
    const openapi = await (await fetch(`${stack.url}/openapi.json`)).json();

    expect(schema.$defs.VisitNoteEvent.properties.note.properties.version.type).toBe('integer');
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.components.schemas.VisitNoteEvent.required).toContain('patient');
  });
});
