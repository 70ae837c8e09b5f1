import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { stackWithCapturedLogs } from '../helpers/capture-output.js';
import { scanAll } from '../helpers/dynamo.js';
import { findPhi, itemText, phiStrings } from '../helpers/phi.js';
import { signedHeaders } from '../helpers/signing.js';

describe('PHI stays out of storage in clear and out of logs', () => {
  const suite = stackWithCapturedLogs();

  const events = Object.entries(fixturePatients).map(([cell, patient]) => ({
    cell,
    event: noteEvent({ patient, noteId: `phi-${cell}`, clinicianCountry: 'US' }),
  }));
  const phi = events.flatMap(({ event }) => phiStrings(event));

  it('stores every accepted note with no PHI string in clear, ciphertext included', async () => {
    const stack = suite.stack();
    // Act: accepted notes, a conflicting version, a misrouted note and a schema failure that carries PHI.
    for (const { cell, event } of events) {
      const body = JSON.stringify(event);
      expect(
        (
          await stack.post(
            cell,
            `/v1/webhooks/${DEMO_SENDER_ID}`,
            body,
            signedHeaders({ secret: stack.demoSecret.value, body }),
          )
        ).status,
      ).toBe(202);
    }
    const uk = events[0]?.event;
    const variants = [
      { ...uk, note: { ...uk?.note, text: `${uk?.note.text} changed` } },
      { ...uk, patient: { ...uk?.patient, residenceCountry: 'US' } },
      { ...uk, note: { ...uk?.note, loincType: 'not-loinc' } },
    ];
    for (const variant of variants) {
      const body = JSON.stringify(variant);
      const response = await stack.post(
        'uk',
        `/v1/webhooks/${DEMO_SENDER_ID}`,
        body,
        signedHeaders({ secret: stack.demoSecret.value, body }),
      );
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(findPhi(await response.text(), phi)).toEqual([]);
    }

    // Assess
    const items = (
      await Promise.all(stack.cells.map((c) => scanAll(stack.dynamoClient, c.tableName)))
    ).flat();
    expect(items.length).toBeGreaterThanOrEqual(events.length * 3);
    for (const item of items) expect(findPhi(itemText(item), phi)).toEqual([]);
  });

  it('logs ids and codes of that run but none of its PHI', () => {
    const logs = suite.logs();
    expect(logs).toContain('note received');
    expect(logs).toContain('phi-uk');
    expect(findPhi(logs, phi)).toEqual([]);
  });
});
