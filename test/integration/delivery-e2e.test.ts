import type { DocumentReference } from '@medplum/fhirtypes';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox-store.js';
import type { OutboxItem } from '../../shared/domain/delivery/outbox-item.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import { type FixturePatient, fixturePatients, noteEvent } from '../fixtures/notes.js';
import { ehrReader, eventually } from '../helpers/ehr-reader.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders } from '../helpers/signing.js';

const FINAL = new Set(['delivered', 'parked']);

describe('delivery into the sandbox EHRs through the local stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(process.env.VB_DEBUG ? { LOG_LEVEL: 'DEBUG' } : {});
  });
  afterAll(async () => stack.dispose());

  const post = async (cell: string, event: VisitNoteEvent) => {
    const body = JSON.stringify(event);
    const response = await stack.post(
      cell,
      `/v1/webhooks/${DEMO_SENDER_ID}`,
      body,
      signedHeaders({ secret: stack.demoSecret.value, body }),
    );
    expect([200, 202]).toContain(response.status);
  };
  const outboxOf = (cell: string) => {
    const table = stack.cells.find((c) => c.id === cell)?.tableName ?? '';
    return new DynamoOutbox(stack.dynamoClient, table);
  };
  const settled = (cell: string, noteId: string, version: number, eventKind: OutboxItem['eventKind']) =>
    eventually(
      async () => {
        const item = await outboxOf(cell).get({ senderId: DEMO_SENDER_ID, noteId, version, eventKind });
        return item && FINAL.has(item.state) ? item : undefined;
      },
      30_000,
      `${noteId} v${version} ${eventKind}`,
    );

  it.each([
    ['generic-fhir', 'uk', fixturePatients.uk, 'uk-ehr'],
    ['epic-like', 'us', fixturePatients.us, 'us-ehr'],
  ] as Array<[string, string, FixturePatient, string]>)(
    'delivers finalize, amend and retract to a %s EHR, leaving exactly the expected resources',
    async (_profile, cell, patient, target) => {
      // Prepare
      const noteId = `e2e-${cell}`;
      const sandbox = stack.ehrs.sandboxes.get(target);
      if (!sandbox) throw new Error(`no sandbox for ${target}`);
      const reader = await ehrReader(sandbox);

      // Act: v1, then its amendment, then a retraction of the amendment.
      await post(cell, noteEvent({ patient, noteId }));
      await post(cell, noteEvent({ patient, noteId, version: 2, text: 'Addendum: swab negative.' }));
      const v1 = await settled(cell, noteId, 1, 'finalized');
      const v2 = await settled(cell, noteId, 2, 'amended');
      await post(cell, noteEvent({ patient, noteId, version: 2, kind: 'retracted' }));
      const retraction = await settled(cell, noteId, 2, 'retracted');

      // Assess: over FHIR, one DocumentReference per version, the amendment replacing v1 and now entered-in-error.
      expect([v1.state, v2.state, retraction.state]).toEqual(['delivered', 'delivered', 'delivered']);
      const docs = await reader.documentsOf(DEMO_SENDER_ID, noteId);
      expect(docs).toHaveLength(2);
      const byId = new Map(docs.map((d) => [d.id, d]));
      const first = byId.get(v1.resourceIds?.documentReference) as DocumentReference;
      const second = byId.get(v2.resourceIds?.documentReference) as DocumentReference;
      expect(first.status).toBe('current');
      expect(second.status).toBe('entered-in-error');
      expect(second.relatesTo).toEqual([
        { code: 'replaces', target: { reference: `DocumentReference/${first.id}` } },
      ]);
      expect(second.context?.encounter?.[0]?.reference).toBe(first.context?.encounter?.[0]?.reference);
      expect(Buffer.from(String(first.content?.[0]?.attachment?.data), 'base64').toString()).toContain(
        'sore throat',
      );
    },
  );

  it('holds an amendment that arrives first until its predecessor is delivered', async () => {
    const noteId = 'e2e-out-of-order';
    await post('eu', noteEvent({ patient: fixturePatients.eu, noteId, version: 2, text: 'Amended first' }));
    await eventually(async () => {
      const item = await outboxOf('eu').get({
        senderId: DEMO_SENDER_ID,
        noteId,
        version: 2,
        eventKind: 'amended',
      });
      return item?.state === 'waiting' ? item : undefined;
    });

    await post('eu', noteEvent({ patient: fixturePatients.eu, noteId }));

    const v1 = await settled('eu', noteId, 1, 'finalized');
    const v2 = await settled('eu', noteId, 2, 'amended');
    expect(v2.state).toBe('delivered');
    expect(Date.parse(v2.deliveredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(v1.deliveredAt ?? ''));
  });

  it('parks a note the EHR rejects, with its OperationOutcome, and delivers it once after a replay', async () => {
    // Prepare: the UK EHR starts behaving like the Epic-like profile, which refuses text/markdown.
    const sandbox = stack.ehrs.sandboxes.get('uk-ehr');
    if (!sandbox) throw new Error('no uk sandbox');
    const reader = await ehrReader(sandbox);
    sandbox.setProfile('epic-like');
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'e2e-parked' });
    event.note.contentType = 'text/markdown';

    // Act
    await post('uk', event);
    const parked = await settled('uk', 'e2e-parked', 1, 'finalized');

    // Assess: parked with the EHR's outcome, nothing in the EHR.
    expect(parked).toMatchObject({ state: 'parked', parkReason: 'rejected' });
    expect(parked.operationOutcome?.[0]).toMatchObject({ severity: 'error' });
    expect(await reader.documentsOf(DEMO_SENDER_ID, 'e2e-parked')).toHaveLength(0);

    // Fix the target, replay: delivered exactly once.
    sandbox.setProfile('generic-fhir');
    expect(await outboxOf('uk').requeue(parked, new Date().toISOString())).toBe(true);
    const replayed = await eventually(async () => {
      const item = await outboxOf('uk').get(parked);
      return item?.state === 'delivered' ? item : undefined;
    });
    expect(replayed.history.map((h) => h.outcome)).toEqual(['rejected', 'ok']);
    expect(await reader.documentsOf(DEMO_SENDER_ID, 'e2e-parked')).toHaveLength(1);
  });
});
