import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { fixturePatients } from '../../fixtures/notes.js';
import { stackWithCapturedLogs } from '../../helpers/capture-output.js';
import { findPhi, phiStrings } from '../../helpers/phi.js';
import { himClient, postNote } from './helpers.js';

describe('the HIM API keeps PHI out of its logs', () => {
  const suite = stackWithCapturedLogs();

  it('logs actions and codes of note views, patient searches and refusals but none of their PHI', async () => {
    // Prepare
    const stack = suite.stack();
    const him = himClient(stack);
    const uk = await postNote(stack, 'uk', 'phi-him-uk');
    const au = await postNote(stack, 'au', 'phi-him-au');
    const id = fixturePatients.uk.identifiers[0];
    const patient = encodeURIComponent(`${id?.system}|${id?.value}`);
    // Act
    const calls = [
      him('uk', 'GET', `notes/${DEMO_SENDER_ID}/phi-him-uk/1?purpose=treatment`, {
        roles: ['privacy-officer'],
        country: 'GB',
      }),
      him('uk', 'GET', `notes/${DEMO_SENDER_ID}/phi-him-uk/1?purpose=treatment`, {
        roles: ['privacy-officer'],
        country: 'DE',
      }),
      him('au', 'GET', `notes/${DEMO_SENDER_ID}/phi-him-au/1?purpose=treatment`, {
        roles: ['privacy-officer'],
        country: 'US',
      }),
      him('uk', 'GET', `ledger?patient=${patient}`, { roles: ['him-reviewer'] }),
      him('uk', 'GET', `ledger/export?format=ndjson&patient=${patient}`, { roles: ['him-reviewer'] }),
      him('uk', 'GET', `notes/${DEMO_SENDER_ID}/phi-him-uk/1?purpose=treatment`, { roles: ['him-reviewer'] }),
      him('uk', 'GET', 'audit', { roles: ['privacy-officer'] }),
      him('uk', 'POST', 'disclosures', {
        roles: ['privacy-officer'],
        body: {
          patient: id,
          from: '2026-01-01',
          to: '2026-12-31',
          purpose: 'patient-request',
          format: 'pdf',
        },
      }),
      him('uk', 'POST', 'disclosures', {
        roles: ['privacy-officer'],
        body: {
          patient: { system: 'no uri', value: id?.value },
          from: '2026-01-01',
          to: '2026-12-31',
          purpose: 'legal',
        },
      }),
    ];
    const statuses = [];
    for (const call of calls) statuses.push((await call).status);
    // Assess
    expect(statuses).toEqual([200, 200, 451, 200, 200, 403, 200, 200, 400]);
    const logs = suite.logs();
    expect(logs).toContain('"action":"notes.view"');
    expect(logs).toContain('"code":"transfer-denied"');
    expect(logs).toContain('"action":"disclosures.report"');
    expect(findPhi(logs, [...phiStrings(uk), ...phiStrings(au)])).toEqual([]);
  });
});
