import type { IngestResult } from '../../../functions/ingest/accept-note.js';
import type { ForwardRequest } from '../../../functions/ingest/forward-client.js';
import { forwardMisrouted } from '../../../functions/ingest/forward-misrouted.js';
import { SAMPLE_PATIENTS, type SamplePatient, sampleEvent } from '../../../infra/local/sample-notes.js';
import { loadPolicy } from '../../../shared/config/load-policy.js';
import type { Organization } from '../../../shared/config/policy.js';
import { AppError } from '../../../shared/domain/errors.js';
import type { UnsealedEntry } from '../../../shared/domain/ledger/entry.js';

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
  const handler = forwardMisrouted({
    policy,
    cell,
    cellEndpoints: endpoints,
    ledger: {
      append: async (entries) => {
        appended.push(...entries);
        return [];
      },
    },
    key: { id: `local:cell-${cell}`, region: 'us-east-1' },
    forward: async (request) => {
      forwarded.push(request);
      return answer(request);
    },
  });
  const misrouted = (patient: SamplePatient, homeCell: string, clinicianCountry?: string) => {
    const event = sampleEvent({ patient, noteId: 'n', clinicianCountry });
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
    const result = await misrouted(SAMPLE_PATIENTS.uk, 'uk', 'US');
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

  it('leaves from the cell’s first country when the clinician is elsewhere', async () => {
    // Prepare
    const { appended, misrouted } = setup('eu', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    await misrouted(SAMPLE_PATIENTS.uk, 'uk', 'US');
    // Assess
    expect(appended[0]?.source).toEqual({ country: 'AT', cell: 'eu' });
  });

  it('refuses with 451 and records the denial without contacting the home cell', async () => {
    // Prepare
    const { appended, forwarded, misrouted } = setup('us', async () => ({ status: 202, receipt: RECEIPT }));
    // Act
    const outcome = misrouted(SAMPLE_PATIENTS.au, 'au');
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
    const outcome = misrouted(SAMPLE_PATIENTS.uk, 'uk');
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
    expect(appended).toEqual([]);
  });

  it('refuses to start when a cell has no endpoint', () => {
    // Act
    const build = () =>
      forwardMisrouted({
        policy,
        cell: 'us',
        cellEndpoints: { us: 'https://us.example/' },
        ledger: { append: async () => [] },
        key: { id: 'k', region: 'us-east-1' },
        forward: async () => ({ status: 202, receipt: RECEIPT }),
      });
    // Assess
    expect(build).toThrow(/CELL_ENDPOINTS has no URL for cell\(s\) uk, eu, ca, au/);
  });
});
