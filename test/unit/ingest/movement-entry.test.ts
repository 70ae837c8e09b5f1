import { denialExtensions } from '../../../functions/ingest/movement-entry.js';
import { UnsealedEntrySchema } from '../../../shared/domain/ledger/entry.js';
import { movementEntry } from '../../../shared/domain/ledger/movement-entry.js';
import type { MovementDecision } from '../../../shared/domain/policy/decide.js';
import { randomIds } from '../../../shared/ports/ids.js';
import { fixturePatients, noteEvent } from '../../fixtures/notes.js';
import { findPhi, phiStrings } from '../../helpers/phi.js';

const event = noteEvent({ patient: fixturePatients.uk, noteId: 'entry-1', clinicianCountry: 'DE' });
const base = {
  ids: randomIds,
  kind: 'inbound' as const,
  at: new Date('2026-11-25T10:00:00.000Z'),
  source: { country: 'DE', cell: 'eu' },
  destination: { country: 'GB', cell: 'uk' },
  event,
  organization: { id: 'st-marys-trust', ehrTarget: 'uk-ehr' },
  patientRef: 'a'.repeat(64),
  senderId: 'acme',
  key: { id: 'local:cell-uk', region: 'eu-west-2' },
};
const allowed: MovementDecision = {
  decision: 'allowed',
  basis: 'rule',
  ruleId: 'eu-uk.adequacy',
  mechanism: { type: 'adequacy', reference: 'Decision 2021/1772', expires: '2031-12-27' },
  reason: 'inbound eu → uk allowed by rule eu-uk.adequacy',
};

describe('movementEntry', () => {
  it('builds a schema-valid entry carrying the mechanism, its reference and expiry', () => {
    // Act
    const entry = movementEntry({ ...base, decision: allowed });
    // Assess
    expect(UnsealedEntrySchema.parse(entry)).toEqual(entry);
    expect(entry).toMatchObject({
      kind: 'inbound',
      decision: 'allowed',
      at: '2026-11-25T10:00:00.000Z',
      mechanism: { type: 'adequacy', reference: 'Decision 2021/1772', expires: '2031-12-27' },
      ruleId: 'eu-uk.adequacy',
      purpose: 'treatment',
      dataCategories: ['health-data', 'loinc:11506-3'],
      recipient: { organization: 'st-marys-trust', ehrTarget: 'uk-ehr' },
      safeguards: { keyId: 'local:cell-uk', keyRegion: 'eu-west-2', pseudonymised: true },
      noteId: 'entry-1',
      noteVersion: 1,
      actor: 'sender:acme',
    });
  });

  it('records a denial by a built-in guard with no rule and no mechanism', () => {
    // Prepare
    const denied: MovementDecision = {
      decision: 'denied',
      basis: 'default-deny',
      reason: 'no rule allows it',
    };
    // Act
    const entry = movementEntry({ ...base, decision: denied });
    // Assess
    expect(entry).toMatchObject({
      decision: 'denied',
      ruleId: null,
      mechanism: null,
      reason: 'no rule allows it',
    });
  });

  it('carries none of the note, patient or clinician PHI', () => {
    // Act
    const text = JSON.stringify(movementEntry({ ...base, decision: allowed }));
    // Assess
    expect(findPhi(text, phiStrings(event))).toEqual([]);
  });

  it('gives every movement its own transfer id, from the injected generator', () => {
    // Prepare
    let n = 0;
    const ids = { next: () => `transfer-${++n}` };
    // Act
    const made = [1, 2, 3].map(() => movementEntry({ ...base, ids, decision: allowed }).transferId);
    // Assess
    expect(made).toEqual(['transfer-1', 'transfer-2', 'transfer-3']);
  });

  it('names the movement, rule and reason in denial extensions', () => {
    // Act
    const extensions = denialExtensions(
      'forward',
      { decision: 'denied', basis: 'rule', ruleId: 'eu-au.forward', reason: 'strict' },
      { country: 'AT', cell: 'eu' },
      { country: 'AU', cell: 'au' },
    );
    // Assess
    expect(extensions).toEqual({
      movement: 'forward',
      from: { country: 'AT', cell: 'eu' },
      to: { country: 'AU', cell: 'au' },
      ruleId: 'eu-au.forward',
      basis: 'rule',
      reason: 'strict',
    });
  });
});
