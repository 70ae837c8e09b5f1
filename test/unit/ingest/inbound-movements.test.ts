import { inboundMovements } from '../../../functions/ingest/inbound-movements.js';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import type { Organization } from '../../../shared/domain/policy/model.js';
import { randomIds } from '../../../shared/ports/ids.js';
import { fixturePatients, noteEvent } from '../../fixtures/notes.js';

const policy = loadPolicy('policy/default-policy.json');
const organizationOf = (id: string) => policy.organizations.find((o) => o.id === id) as Organization;

function setup() {
  const appended: UnsealedEntry[] = [];
  const ledger = {
    append: async (entries: readonly UnsealedEntry[]) => {
      appended.push(...entries);
      return [];
    },
  };
  const decide = inboundMovements({
    policy,
    ledger,
    key: { id: 'local:cell-x', region: 'eu-west-2' },
    ids: randomIds,
  });
  const ctx = (cell: string, organization: string, at = new Date('2026-11-25T10:00:00Z')) => ({
    cell,
    senderId: 'acme',
    patientRef: 'p'.repeat(64),
    organization: organizationOf(organization),
    at,
  });
  return { appended, decide, ctx };
}

describe('inboundMovements', () => {
  it('records nothing for a note written in the patient’s own country', async () => {
    // Prepare
    const { decide, ctx, appended } = setup();
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'home' });
    // Act
    const entries = await decide(event, ctx('uk', 'st-marys-trust'));
    // Assess
    expect(entries).toEqual([]);
    expect(appended).toEqual([]);
  });

  it('records a DE clinician’s note for an FR patient as an intra-jurisdiction movement', async () => {
    // Prepare
    const { decide, ctx } = setup();
    const patient = { ...fixturePatients.eu, residenceCountry: 'FR' };
    const event = noteEvent({ patient, noteId: 'de-fr', clinicianCountry: 'DE' });
    // Act
    const entries = await decide(event, ctx('eu', 'charite-berlin'));
    // Assess
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        decision: 'allowed',
        source: { country: 'DE', cell: 'eu' },
        destination: { country: 'FR', cell: 'eu' },
        ruleId: 'eu.intra',
        mechanism: { type: 'intra-jurisdiction' },
      }),
    ]);
  });

  it('refuses a note written in a country outside the policy with 451, appending the denied attempt', async () => {
    // Prepare
    const { decide, ctx, appended } = setup();
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'from-india', clinicianCountry: 'IN' });
    // Act
    const outcome = decide(event, ctx('uk', 'st-marys-trust'));
    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'transfer-denied',
      extensions: { movement: 'inbound', basis: 'unknown-country', from: { country: 'IN', cell: 'none' } },
    });
    await expect(outcome).rejects.toBeInstanceOf(AppError);
    expect(appended).toEqual([
      expect.objectContaining({
        decision: 'denied',
        noteId: 'from-india',
        source: { country: 'IN', cell: 'none' },
      }),
    ]);
  });

  it('denies an EU→UK note after the adequacy decision expires', async () => {
    // Prepare
    const { decide, ctx, appended } = setup();
    const event = noteEvent({ patient: fixturePatients.uk, noteId: 'late', clinicianCountry: 'DE' });
    // Act
    const outcome = decide(event, ctx('uk', 'st-marys-trust', new Date('2031-12-28T00:00:00Z')));
    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'transfer-denied',
      extensions: { ruleId: 'eu-uk.adequacy', basis: 'mechanism-expired' },
    });
    expect(appended).toEqual([
      expect.objectContaining({
        decision: 'denied',
        mechanism: expect.objectContaining({ expires: '2031-12-27' }),
      }),
    ]);
  });
});
