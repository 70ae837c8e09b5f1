import type { IngestResult } from '../../../functions/ingest/accept-note.js';
import type { ForwardRequest } from '../../../functions/ingest/forward-client.js';
import { forwardMisrouted } from '../../../functions/ingest/forward-misrouted.js';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';
import type { Organization } from '../../../shared/domain/policy/model.js';
import { randomIds } from '../../../shared/ports/ids.js';
import type { RecordedMovement } from '../../../shared/ports/ledger.js';
import { type FixturePatient, fixturePatients, noteEvent } from '../../fixtures/notes.js';

const policy = loadPolicy('policy/default-policy.json');
const endpoints = Object.fromEntries(policy.jurisdictions.map((j) => [j.id, `https://${j.id}.example/`]));
const RECEIPT = {
  noteId: 'n',
  version: 1,
  cell: 'uk',
  receivedAt: '2026-11-25T10:00:00.000Z',
  deliveryStatusUrl: 'https://uk.example/v1/x',
};

function setup(cell: string, answer: (request: ForwardRequest) => Promise<IngestResult>) {
  const appended: UnsealedEntry[] = [];
  const forwarded: ForwardRequest[] = [];
  const recorded = new Map<string, RecordedMovement>();
  const handler = forwardMisrouted({
    policy,
    ids: randomIds,
    cell,
    cellEndpoints: endpoints,
    ledger: {
      append: async (entries) => {
        appended.push(...entries);
        return [];
      },
      appendOnce: async (key, entries, movement) => {
        if (recorded.has(key)) return false;
        recorded.set(key, movement);
        appended.push(...entries);
        return true;
      },
      recordedMovement: async (key) => recorded.get(key),
    },
    bodyHash: (body) => `h:${body.length}:${body.slice(-40)}`,
    key: { id: `local:cell-${cell}`, region: 'us-east-1' },
    forward: async (request) => {
      forwarded.push(request);
      return answer(request);
    },
  });
  const misrouted = (
    patient: FixturePatient,
    homeCell: string,
    clinicianCountry?: string,
    title?: string,
  ) => {
    const base = noteEvent({ patient, noteId: 'n', clinicianCountry });
    const event = title ? { ...base, note: { ...base.note, title } } : base;
    return handler({
      event,
      webhook: {
        sender: { id: 'acme', secrets: [] },
        webhookId: 'msg_1',
        timestamp: new Date(),
        body: JSON.stringify(event),
      },
      homeCell,
      cell,
      senderId: 'acme',
      patientRef: 'p'.repeat(64),
      organization: policy.organizations.find((o) => o.id === patient.organization) as Organization,
      at: new Date('2026-11-25T10:00:00Z'),
    });
  };
  return { appended, forwarded, misrouted };
}

describe('forwardMisrouted', () => {
  it('forwards to the home cell’s forwarded route and records the forward after its answer', async () => {
    // Prepare
    const { appended, forwarded, misrouted } = setup('us', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    const result = await misrouted(fixturePatients.uk, 'uk', 'US');
    // Assess
    expect(result).toEqual({ status: 202, receipt: RECEIPT });
    expect(forwarded.map((f) => [f.url.toString(), f.webhookId, f.fromCell])).toEqual([
      ['https://uk.example/v1/forwarded/acme', 'msg_1', 'us'],
    ]);
    expect(appended).toEqual([
      expect.objectContaining({
        kind: 'forward',
        decision: 'allowed',
        source: { country: 'US', cell: 'us' },
        destination: { country: 'GB', cell: 'uk' },
        ruleId: 'us-uk.treatment',
      }),
    ]);
  });

  it('answers a repeat of the same webhook-id from the first forward: 200, one entry, no second crossing', async () => {
    // Prepare
    const { appended, forwarded, misrouted } = setup('us', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    await misrouted(fixturePatients.uk, 'uk', 'US');
    const second = await misrouted(fixturePatients.uk, 'uk', 'US');
    const third = await misrouted(fixturePatients.uk, 'uk', 'US');
    // Assess
    expect(second).toEqual({ status: 200, receipt: RECEIPT });
    expect(third).toEqual({ status: 200, receipt: RECEIPT });
    expect(forwarded).toHaveLength(1);
    expect(appended.filter((e) => e.kind === 'forward')).toHaveLength(1);
  });

  it('refuses a webhook-id reused for another body with 409 and forwards nothing more', async () => {
    // Prepare
    const { forwarded, misrouted } = setup('us', async () => ({ status: 202, receipt: RECEIPT }));
    await misrouted(fixturePatients.uk, 'uk', 'US');
    // Act
    const reused = misrouted(fixturePatients.uk, 'uk', 'US', 'Another title');
    // Assess
    await expect(reused).rejects.toMatchObject({ code: 'webhook-id-reused' });
    expect(forwarded).toHaveLength(1);
  });

  it('leaves from the country hosting the cell when the clinician is elsewhere, never a made-up one', async () => {
    // Prepare
    const { appended, misrouted } = setup('eu', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    await misrouted(fixturePatients.uk, 'uk', 'US');
    // Assess
    // The EU cell runs in eu-central-1 (Frankfurt); Austria, first in its list of countries, has nothing to do with it.
    expect(appended[0]?.source).toEqual({ country: 'DE', cell: 'eu' });
  });

  it('refuses with 451 and records the denial without contacting the home cell', async () => {
    // Prepare
    const { appended, forwarded, misrouted } = setup('us', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    const outcome = misrouted(fixturePatients.au, 'au');
    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'transfer-denied',
      extensions: { movement: 'forward', basis: 'forward-into-strict' },
    });
    expect(forwarded).toEqual([]);
    expect(appended).toEqual([expect.objectContaining({ kind: 'forward', decision: 'denied' })]);
  });

  it('records nothing when the home cell cannot be reached', async () => {
    // Prepare
    const { appended, misrouted } = setup('us', async () => {
      throw new AppError('forward-failed', 'unreachable');
    });
    // Act
    const outcome = misrouted(fixturePatients.uk, 'uk');
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
    expect(appended).toEqual([]);
  });

  it('refuses to start when a cell has no endpoint', () => {
    // Act
    const build = () =>
      forwardMisrouted({
        policy,
        ids: randomIds,
        cell: 'us',
        cellEndpoints: { us: 'https://us.example/' },
        ledger: {
          append: async () => [],
          appendOnce: async () => true,
          recordedMovement: async () => undefined,
        },
        bodyHash: () => 'h',
        key: { id: 'k', region: 'us-east-1' },
        forward: async () => ({ status: 202, receipt: RECEIPT }),
      });
    // Assess
    expect(build).toThrow(/CELL_ENDPOINTS has no URL for cell\(s\) uk, eu, ca, au/);
  });
});
