import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { buildIngestHandler } from '../../functions/ingest/deps.js';
import { WEBHOOK_ROUTE } from '../../functions/ingest/handler-factory.js';
import { localContext } from '../../infra/local/api-gateway.js';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import type { LedgerEntry } from '../../shared/domain/ledger/entry.js';
import type { HttpEvent } from '../../shared/http/apigw.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { scanAll } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { findPhi, itemText, phiStrings } from '../helpers/phi.js';
import { signedHeaders } from '../helpers/signing.js';

const WEBHOOK = `/v1/webhooks/${DEMO_SENDER_ID}`;
const FORWARDED = `/v1/forwarded/${DEMO_SENDER_ID}`;
const PROBLEMS = 'https://visitbridge.dev/problems/';

describe('residency routing through the local stack', () => {
  let stack: TestStack;
  let secret: string;

  beforeAll(async () => {
    stack = await startTestStack();
    secret = stack.demoSecret.value;
  });
  afterAll(async () => stack.dispose());

  const cellOf = (id: string) => {
    const cell = stack.cells.find((c) => c.id === id);
    if (!cell) throw new Error(`no cell ${id}`);
    return cell;
  };
  const rawItems = (cell: string) => scanAll(stack.dynamoClient, cellOf(cell).tableName);
  const itemsOf = async (cell: string) => (await rawItems(cell)).map((i) => unmarshall(i));
  const ledgerOf = async (cell: string, noteId: string): Promise<LedgerEntry[]> => {
    const store = new DynamoLedgerStore({
      client: stack.dynamoClient,
      tableName: cellOf(cell).tableName,
      cellId: cell,
    });
    const shards = await Promise.all(
      Array.from({ length: store.shardCount }, (_, shard) => store.readShard(shard)),
    );
    return shards.flat().filter((e) => e.noteId === noteId);
  };
  const notesOf = async (cell: string, noteId: string) =>
    (await itemsOf(cell)).filter(
      (i) => String(i.pk).includes(`#${noteId}`) && !String(i.pk).startsWith('LEDGER#'),
    );
  const send = (cell: string, body: string, headers = signedHeaders({ secret, body })) =>
    stack.post(cell, WEBHOOK, body, headers);

  it("forwards a UK patient's note posted to the US cell, storing it only in the UK cell", async () => {
    // Prepare
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'fwd-1', clinicianCountry: 'US' });
    const body = JSON.stringify(event);
    // Act
    const response = await send('us', body);
    // Assess
    expect(response.status).toBe(202);
    const receipt = await response.json();
    expect(receipt).toMatchObject({ noteId: 'fwd-1', version: 1, cell: 'uk' });
    expect(receipt.deliveryStatusUrl).toMatch(new RegExp(`^${stack.url}/uk/v1/senders/`));
    expect((await notesOf('uk', 'fwd-1')).map((i) => i.type).sort()).toEqual(['note', 'outbox']);
    const usItems = await rawItems('us');
    // The US cell keeps only ledger records and the PHI-free record that makes the forward idempotent.
    expect(
      usItems.map((i) => unmarshall(i)).filter((i) => !/^(LEDGER#|ONCE#forward#)/.test(String(i.pk))),
    ).toEqual([]);
    expect(
      findPhi(usItems.map((i: Record<string, AttributeValue>) => itemText(i)).join('\n'), phiStrings(event)),
    ).toEqual([]);
    expect(await ledgerOf('us', 'fwd-1')).toEqual([
      expect.objectContaining({
        kind: 'forward',
        decision: 'allowed',
        source: { country: 'US', cell: 'us' },
        destination: { country: 'GB', cell: 'uk' },
        ruleId: 'us-uk.treatment',
        mechanism: { type: 'treatment-disclosure', reference: '45 CFR 164.506(c) disclosure for treatment' },
        safeguards: { keyId: 'cell-key:uk', keyRegion: 'eu-west-2', pseudonymised: true },
        noteId: 'fwd-1',
        noteVersion: 1,
        actor: `sender:${DEMO_SENDER_ID}`,
      }),
    ]);
    expect(await ledgerOf('uk', 'fwd-1')).toEqual([
      expect.objectContaining({ kind: 'inbound', decision: 'allowed', ruleId: 'us-uk.treatment' }),
    ]);
  });

  it('answers the same webhook redelivered to the forwarding cell with 200 and the same receipt', async () => {
    // Prepare
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'fwd-redeliver' }));
    const headers = signedHeaders({ secret, body });
    const first = await send('us', body, headers);
    const firstReceipt = await first.json();
    // Act
    const again = await send('us', body, headers);
    const third = await send('us', body, headers);
    // Assess
    expect(first.status).toBe(202);
    expect([again.status, third.status]).toEqual([200, 200]);
    expect(await again.json()).toEqual(firstReceipt);
    expect(await third.json()).toEqual(firstReceipt);
    expect((await notesOf('uk', 'fwd-redeliver')).map((i) => i.type).sort()).toEqual(['note', 'outbox']);
    // One crossing, one forward entry, however often the sender retries.
    expect((await ledgerOf('us', 'fwd-redeliver')).filter((e) => e.kind === 'forward')).toHaveLength(1);
  });

  it("passes the home cell's refusal through as the same problem, recording no forward", async () => {
    // Prepare: the UK cell already holds version 1 with other content.
    const at = new Date();
    await send('uk', JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'fwd-conflict', at })));
    const changed = noteEvent({
      patient: fixturePatients.uk,
      noteId: 'fwd-conflict',
      at,
      text: 'Other text',
    });
    // Act
    const response = await send('us', JSON.stringify(changed));
    // Assess
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      type: `${PROBLEMS}version-conflict`,
      noteId: 'fwd-conflict',
    });
    expect(await ledgerOf('us', 'fwd-conflict')).toEqual([]);
  });

  it("refuses an AU patient's note arriving in the EU cell with 451, storing nothing but a denied entry in EU", async () => {
    // Prepare
    const event = noteEvent({ patient: fixturePatients.au, noteId: 'au-in-eu' });
    // Act
    const response = await send('eu', JSON.stringify(event));
    // Assess
    expect(response.status).toBe(451);
    const problem = await response.json();
    expect(problem).toMatchObject({
      type: `${PROBLEMS}transfer-denied`,
      movement: 'forward',
      ruleId: 'eu-au.forward',
      from: { cell: 'eu' },
      to: { country: 'AU', cell: 'au' },
    });
    expect(problem.detail).toContain('strict localisation');
    for (const cell of stack.cells) expect(await notesOf(cell.id, 'au-in-eu')).toEqual([]);
    for (const cell of ['uk', 'us', 'ca', 'au']) expect(await ledgerOf(cell, 'au-in-eu')).toEqual([]);
    expect(await ledgerOf('eu', 'au-in-eu')).toEqual([
      expect.objectContaining({
        kind: 'forward',
        decision: 'denied',
        ruleId: 'eu-au.forward',
        mechanism: null,
      }),
    ]);
    const everything = (await Promise.all(stack.cells.map((c) => rawItems(c.id)))).flat();
    expect(findPhi(everything.map((i) => itemText(i)).join('\n'), phiStrings(event))).toEqual([]);
  });

  it('records an inbound EU→UK note under the UK adequacy decision with its reference and expiry', async () => {
    // Prepare
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'inbound-de', clinicianCountry: 'DE' });
    // Act
    const response = await send('uk', JSON.stringify(event));
    // Assess
    expect(response.status).toBe(202);
    expect(await ledgerOf('uk', 'inbound-de')).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        decision: 'allowed',
        source: { country: 'DE', cell: 'eu' },
        destination: { country: 'GB', cell: 'uk' },
        recipient: { organization: 'st-marys-trust', ehrTarget: 'uk-ehr' },
        purpose: 'treatment',
        dataCategories: ['health-data', 'loinc:11506-3'],
        ruleId: 'eu-uk.adequacy',
        mechanism: {
          type: 'adequacy',
          reference: 'Commission Implementing Decision (EU) 2021/1772 (UK GDPR adequacy, renewed)',
          expires: '2031-12-27',
        },
        safeguards: { keyId: 'local:cell-uk', keyRegion: 'eu-west-2', pseudonymised: true },
        noteVersion: 1,
        actor: `sender:${DEMO_SENDER_ID}`,
      }),
    ]);
  });

  it('denies the same EU→UK movement once the adequacy decision has expired, storing only the denied entry', async () => {
    // Prepare: the UK cell's handler, its clock past 2031-12-27.
    const handler = await buildIngestHandler(cellOf('uk').env('ingest'), {
      clock: { now: () => new Date('2032-01-01T00:00:00.000Z') },
    });
    const body = JSON.stringify(
      noteEvent({ patient: fixturePatients.uk, noteId: 'inbound-expired', clinicianCountry: 'DE' }),
    );
    // Act
    const result = await handler(
      webhookEvent(body, signedHeaders({ secret, body })),
      localContext('uk-ingest'),
    );
    // Assess
    expect(result.statusCode).toBe(451);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      type: `${PROBLEMS}transfer-denied`,
      movement: 'inbound',
      ruleId: 'eu-uk.adequacy',
      basis: 'mechanism-expired',
      reason: expect.stringContaining('2031-12-27'),
    });
    expect(await notesOf('uk', 'inbound-expired')).toEqual([]);
    expect(await ledgerOf('uk', 'inbound-expired')).toEqual([
      expect.objectContaining({ kind: 'inbound', decision: 'denied', at: '2032-01-01T00:00:00.000Z' }),
    ]);
  });

  it('still refuses a misrouted note with 421 in a reject-mode cell (CA), naming the right endpoint', async () => {
    // Prepare
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'ca-reject' }));
    // Act
    const response = await send('ca', body);
    // Assess
    expect(response.status).toBe(421);
    expect(await response.json()).toMatchObject({
      type: `${PROBLEMS}misdirected-request`,
      correctEndpoint: `${stack.url}/uk${WEBHOOK}`,
    });
    expect(await notesOf('uk', 'ca-reject')).toEqual([]);
    expect(await ledgerOf('ca', 'ca-reject')).toEqual([]);
  });

  it('refuses a forwarded request signed with anything but the forwarding secret with 401', async () => {
    // Prepare: signed with the sender's own secret, as a forger without the forwarding secret would.
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'forged-fwd' }));
    // Act
    const response = await stack.post('uk', FORWARDED, body, signedHeaders({ secret, body }));
    // Assess
    expect(response.status).toBe(401);
    expect((await response.json()).type).toBe(`${PROBLEMS}invalid-signature`);
    expect(await notesOf('uk', 'forged-fwd')).toEqual([]);
  });

  it('never forwards a forwarded note again: a note of another cell there gets 421', async () => {
    // Prepare
    const forwarding = readFileSync(join(stack.dataDir, 'keys', 'forwarding.secret'), 'utf8').trim();
    const body = JSON.stringify(noteEvent({ patient: fixturePatients.us, noteId: 'fwd-loop' }));
    // Act
    const response = await stack.post('uk', FORWARDED, body, signedHeaders({ secret: forwarding, body }));
    // Assess
    expect(response.status).toBe(421);
    for (const cell of stack.cells) expect(await notesOf(cell.id, 'fwd-loop')).toEqual([]);
  });
});

/** The API Gateway v2 event the HTTP API sends for a webhook POST. */
function webhookEvent(body: string, headers: Record<string, string>): HttpEvent {
  const path = `/v1/webhooks/${DEMO_SENDER_ID}`;
  return {
    version: '2.0',
    routeKey: WEBHOOK_ROUTE,
    rawPath: path,
    rawQueryString: '',
    headers,
    pathParameters: { senderId: DEMO_SENDER_ID },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'routing-test',
      routeKey: WEBHOOK_ROUTE,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}
