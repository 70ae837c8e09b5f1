import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../infra/cli/main.js';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { fixturePatients, patientN } from '../../fixtures/notes.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { pdfText } from '../../helpers/pdf-text.js';
import { findPhi, phiStrings } from '../../helpers/phi.js';
import { himClient, ledgerOf, postNote } from './helpers.js';

let stack: TestStack;
let him: ReturnType<typeof himClient>;
const P = ['privacy-officer'] as const;
const harriet = fixturePatients.uk;
const other = patientN(fixturePatients.uk, 7);
const NHS = harriet.identifiers[0] as { system: string; value: string };
const today = new Date().toISOString().slice(0, 10);
const period = { from: '2026-01-01', to: today };
let phi: string[];

const view = (noteId: string, country: string) =>
  him('uk', 'GET', `notes/${DEMO_SENDER_ID}/${noteId}/1?purpose=treatment`, { roles: [...P], country });
const disclose = (body: Record<string, unknown>) =>
  him('uk', 'POST', 'disclosures', { roles: [...P], country: 'GB', body });
const harrietReport = (format: string) =>
  disclose({ patient: NHS, ...period, purpose: 'patient-request', format });

beforeAll(async () => {
  stack = await startTestStack();
  him = himClient(stack);
  // Harriet: read at home and from Germany (a remote-access movement); the other patient: read at home.
  const notes = [
    await postNote(stack, 'uk', 'disc-harriet'),
    await postNote(stack, 'uk', 'disc-other', other),
  ];
  phi = notes.flatMap(phiStrings);
  for (const [note, country] of [
    ['disc-harriet', 'GB'],
    ['disc-harriet', 'DE'],
    ['disc-other', 'GB'],
  ] as const)
    expect((await view(note, country)).status).toBe(200);
});
afterAll(() => stack.dispose());

describe('disclosure accounting and subject access', () => {
  it('lists exactly the patient’s movements and PHI accesses, and nothing of another patient', async () => {
    // Act
    const res = await harrietReport('json');
    const report = await res.json();
    // Assess
    expect(res.status).toBe(200);
    expect(report.patientRef).toMatch(/^pt_/);
    expect(report.movements).toEqual([
      expect.objectContaining({
        kind: 'remote-access',
        decision: 'allowed',
        corridor: 'uk:eu',
        destination: { country: 'DE', cell: 'eu' },
        noteId: 'disc-harriet',
      }),
    ]);
    expect(report.movements[0].mechanism).toEqual(expect.objectContaining({ type: expect.any(String) }));
    expect(report.accesses).toEqual([
      expect.objectContaining({
        action: 'notes.view',
        role: 'privacy-officer',
        purpose: 'treatment',
        viewerCountry: 'GB',
        outcome: 'ok',
        target: `note:${DEMO_SENDER_ID}/disc-harriet/1/version`,
      }),
      expect.objectContaining({
        viewerCountry: 'DE',
        target: `note:${DEMO_SENDER_ID}/disc-harriet/1/version`,
      }),
    ]);
    expect(JSON.stringify(report)).not.toContain('disc-other');
    expect(findPhi(JSON.stringify(report), phi)).toEqual([]);
  });

  it('answers as CSV and as a PDF letter with its sections, without PHI', async () => {
    // Act
    const csv = await harrietReport('csv');
    const pdf = await harrietReport('pdf');
    // Assess
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^record,at,kind,decision,from,to,recipient,mechanism/);
    expect(lines.filter((l) => l.startsWith('movement,'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('access,'))).toHaveLength(2);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    for (const heading of [
      'Accounting of disclosures',
      'About this report',
      'Movements of your notes',
      'Access to your notes',
      'remote-access',
      'privacy-officer',
    ])
      expect(text).toContain(heading);
    expect(findPhi(text, phi)).toEqual([]);
  });

  it('audits the request with its purpose and the patient’s reference, never the identifier', async () => {
    // Act
    const report = await (await harrietReport('json')).json();
    const audit = await (await him('uk', 'GET', 'audit?action=disclosures.report', { roles: [...P] })).json();
    // Assess
    const entry = audit.entries[0];
    expect(entry).toMatchObject({
      action: 'disclosures.report',
      purpose: 'patient-request',
      patientRef: report.patientRef,
      outcome: 'ok',
    });
    expect(entry.target).toContain(`from=${period.from}`);
    expect(JSON.stringify(audit)).not.toContain(NHS.value);
  });

  it('answers an identifier with no records with an empty report, not an error', async () => {
    // Act
    const res = await disclose({
      patient: { system: NHS.system, value: '9990000999' },
      ...period,
      purpose: 'patient-request',
    });
    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ movements: [], accesses: [] });
  });

  it.each([
    [
      'a malformed identifier',
      { patient: { system: 'not a uri', value: NHS.value }, ...period, purpose: 'legal' },
      'invalid-identifier',
      'system',
    ],
    [
      'a period upside down',
      { patient: NHS, from: '2026-11-30', to: '2026-11-01', purpose: 'legal' },
      'invalid-period',
      'before',
    ],
    ['no purpose', { patient: NHS, ...period }, 'invalid-query', 'purpose'],
    ['no period', { patient: NHS, purpose: 'legal' }, 'invalid-query', 'from'],
  ])(
    'refuses %s with a problem, without echoing the identifier or writing the ledger',
    async (_what, body, code, mention) => {
      // Prepare
      const before = (await ledgerOf(stack, 'uk').heads()).map((h) => h.seq);
      // Act
      const res = await disclose(body);
      // Assess
      const problem = await res.json();
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.type).toMatch(new RegExp(`/${code}$`));
      expect(JSON.stringify(problem)).toContain(mention);
      expect(JSON.stringify(problem)).not.toContain(NHS.value);
      expect((await ledgerOf(stack, 'uk').heads()).map((h) => h.seq)).toEqual(before);
    },
  );

  it('comes from the CLI as a PDF file, and the CLI passes the cell’s refusal of a missing purpose on', async () => {
    // Prepare
    const env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
    const dir = await mkdtemp(join(tmpdir(), 'vb-disclosures-'));
    const o = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (t: string) => (o.stdout += t) },
      stderr: { write: (t: string) => (o.stderr += t) },
    };
    const args = [
      'disclosures',
      '--cell',
      'uk',
      '--patient',
      `${NHS.system}|${NHS.value}`,
      '--from',
      period.from,
      '--to',
      period.to,
    ];
    // Act
    const written = await main(
      [...args, '--purpose', 'patient-request', '--format', 'pdf', '--out', join(dir, 'letter.pdf')],
      io,
      env,
    );
    const refused = await main([...args, '--out', join(dir, 'none.json')], io, env);
    // Assess
    expect(written).toBe(0);
    expect(await pdfText(new Uint8Array(await readFile(join(dir, 'letter.pdf'))))).toContain(
      'Access to your notes',
    );
    expect(refused).toBe(2);
    expect(o.stderr).toContain('purpose');
    expect(o.stderr).not.toContain(NHS.value);
  });

  it('is for privacy officers only', async () => {
    // Act
    const res = await him('uk', 'POST', 'disclosures', {
      roles: ['him-reviewer'],
      body: { patient: NHS, ...period, purpose: 'legal' },
    });
    // Assess
    expect(res.status).toBe(403);
  });
});
