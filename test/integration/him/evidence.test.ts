import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { DynamoAuditLog } from '../../../shared/adapters/dynamodb/audit-log-store.js';
import { sha256Hex } from '../../../shared/domain/evidence/manifest.js';
import { NagReportSchema } from '../../../shared/domain/evidence/nag-report.js';
import { cliAgainst } from '../../helpers/cli.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { pdfText } from '../../helpers/pdf-text.js';
import { findPhi, phiStrings } from '../../helpers/phi.js';
import { cellTable, himClient, ledgerOf, postNote } from './helpers.js';

let stack: TestStack;
let him: ReturnType<typeof himClient>;
let env: Record<string, string>;
let out: string;
let pack: string;
let publicKey: string;
let phi: string[];
const today = new Date().toISOString().slice(0, 10);

const cli = cliAgainst(() => env);

beforeAll(async () => {
  stack = await startTestStack();
  him = himClient(stack);
  env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
  for (let i = 0; i < 4; i += 1)
    await ledgerOf(stack, 'uk').append([syntheticEntry(i, new Date(Date.UTC(2026, 10, 25, 9, i)))]);
  // Sealed now: entries backdated to the 25th would otherwise read as withheld from the digests.
  expect((await him('uk', 'POST', 'ledger/digest', { roles: ['integration-admin'] })).status).toBe(201);
  phi = phiStrings(await postNote(stack, 'uk', 'evidence-1'));
  const view = await him('uk', 'GET', `notes/${DEMO_SENDER_ID}/evidence-1/1?purpose=treatment`, {
    roles: ['privacy-officer'],
    country: 'GB',
  });
  expect(view.status).toBe(200);
  const { entries } = await (await him('uk', 'GET', 'ledger?limit=1', { roles: ['him-reviewer'] })).json();
  const ref = `${entries[0].shard}:${entries[0].seq}`;
  const mark = await him('uk', 'POST', 'reviews', {
    roles: ['him-reviewer'],
    body: { refs: [ref], state: 'flagged', comment: 'check' },
  });
  expect(mark.status).toBeLessThan(300);
  // A legal hold, as the lifecycle features record it: the pack lists whatever such entries exist.
  const audit = new DynamoAuditLog({
    client: stack.dynamoClient,
    tableName: cellTable(stack, 'uk'),
    cellId: 'uk',
  });
  await audit.append({
    at: new Date().toISOString(),
    actor: 'him:pia',
    role: 'privacy-officer',
    action: 'holds.place',
    target: 'hold:h-1 patient pt_example',
    sourceIp: '192.0.2.1',
    outcome: 'ok',
  });
  const key = await (await him('uk', 'GET', 'integrity/public-key', { roles: ['him-reviewer'] })).json();
  out = await mkdtemp(join(tmpdir(), 'vb-evidence-'));
  publicKey = join(out, 'auditor-key.pem');
  await writeFile(publicKey, key.publicKeyPem);
  const written = await cli(
    'evidence',
    '--cell',
    'uk',
    '--from',
    '2026-11-01',
    '--to',
    today,
    '--out',
    join(out, 'pack'),
  );
  expect(written).toMatchObject({ code: 0 });
  pack = join(out, 'pack', written.stdout.match(/files in .*\/(evidence-uk-[\d-]+)/)?.[1] ?? '?');
}, 120_000);
afterAll(() => stack.dispose());

describe('the evidence pack', () => {
  it('verifies offline with the digest public key, its manifest listing every file', async () => {
    // Act
    const verified = await cli('verify-evidence', '--dir', pack, '--public-key', publicKey);
    const manifest = JSON.parse(await readFile(join(pack, 'manifest.json'), 'utf8'));
    // Assess
    expect(verified.stdout).toContain('evidence pack: verified');
    expect(verified.code).toBe(0);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining([
        'report.pdf',
        'corridors.csv',
        'mechanisms.csv',
        'ledger.ndjson',
        'audit.ndjson',
        'integrity.json',
        'phi-access-by-role.csv',
        'reviews.csv',
        'flags.csv',
        'retention-runs.csv',
        'holds.csv',
        'erasures.csv',
        'keys.json',
        'policy.json',
        'cdk-nag-report.json',
      ]),
    );
    expect(manifest.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('holds the period’s records, the lifecycle entries that exist, and no PHI', async () => {
    // Act
    const read = (name: string) => readFile(join(pack, name), 'utf8');
    // Assess
    expect((await read('ledger.ndjson')).trim().split('\n').length).toBeGreaterThanOrEqual(4);
    expect(await read('holds.csv')).toContain('holds.place');
    expect((await read('erasures.csv')).trim().split('\r\n')).toHaveLength(1);
    expect(await read('phi-access-by-role.csv')).toContain('privacy-officer,treatment,GB,ok,1');
    expect(await read('flags.csv')).toContain('flagged');
    expect(JSON.parse(await read('integrity.json')).ledger.problems).toEqual([]);
    const keys = JSON.parse(await read('keys.json'));
    expect(Object.keys(keys)).toEqual(['note', 'digest', 'patient']);
    expect(keys.patient.kind).toMatch(/; [1-9]\d* patients hold one$/);
    for (const name of ['ledger.ndjson', 'audit.ndjson', 'audit.csv', 'keys.json', 'corridors.csv'])
      expect(findPhi(await read(name), phi)).toEqual([]);
  });

  it('holds the cell’s cdk-nag report from a synth of this checkout, listed and hashed in the manifest', async () => {
    // Act
    const bytes = await readFile(join(pack, 'cdk-nag-report.json'));
    const report = NagReportSchema.parse(JSON.parse(bytes.toString('utf8')));
    const manifest = JSON.parse(await readFile(join(pack, 'manifest.json'), 'utf8'));
    const readme = await readFile(join(pack, 'README.txt'), 'utf8');
    // Assess
    expect(report).toMatchObject({ cell: 'uk', region: 'eu-west-2', source: 'local synth of this checkout' });
    expect(report.policy.hash).toBe(manifest.policyHash);
    expect(report.stacks.map((s) => [s.stack, s.violations.length])).toEqual([
      ['visitbridge-uk-stateful', 0],
      ['visitbridge-uk-stateless', 0],
    ]);
    expect(report.stacks.every((s) => s.acknowledged.length > 0)).toBe(true);
    expect(manifest.files).toContainEqual({
      path: 'cdk-nag-report.json',
      sha256: sha256Hex(bytes),
      bytes: bytes.length,
    });
    expect(readme).toMatch(/^cdk-nag-report\.json {2,}/m);
    expect(findPhi(bytes.toString('utf8'), phi)).toEqual([]);
  });

  it('has a PDF report with its sections and charts', async () => {
    // Act
    const text = await pdfText(new Uint8Array(await readFile(join(pack, 'report.pdf'))));
    // Assess
    for (const s of [
      'Evidence pack: cell uk',
      'Summary',
      'Corridors over time',
      'Movements per day by corridor',
      'Mechanisms in force',
      'Review status by corridor',
      'PHI access by role',
      'Retention runs, legal holds and erasures',
      'Keys',
      'Infrastructure checks (cdk-nag)',
      'visitbridge-uk-stateless',
      'uk:us',
    ])
      expect(text).toContain(s);
    expect(findPhi(text, phi)).toEqual([]);
  });

  it('detects a changed file, a file added and a manifest edited after signing', async () => {
    // Prepare
    const copy = join(out, 'tampered');
    await cli('evidence', '--cell', 'uk', '--from', '2026-11-01', '--to', today, '--out', copy);
    const dir = join(copy, pack.split('/').at(-1) ?? '');
    await appendFile(join(dir, 'ledger.csv'), 'x');
    await writeFile(join(dir, 'extra.txt'), 'not listed');
    const manifest = await readFile(join(dir, 'manifest.json'), 'utf8');
    // Act
    const changed = await cli('verify-evidence', '--dir', dir, '--public-key', publicKey);
    await writeFile(join(dir, 'manifest.json'), manifest.replace('"cell": "uk"', '"cell": "eu"'));
    const forged = await cli('verify-evidence', '--dir', dir, '--public-key', publicKey, '--format', 'json');
    // Assess
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('ledger.csv does not match the manifest');
    expect(changed.stdout).toContain('extra.txt is not in the manifest');
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.stdout)).toMatchObject({ ok: false, signatureValid: false });
  });

  it('is audited as evidence.pack', async () => {
    // Act
    const audit = await (
      await him('uk', 'GET', 'audit?action=evidence.pack', { roles: ['him-reviewer'] })
    ).json();
    // Assess
    expect(audit.entries[0]).toMatchObject({ action: 'evidence.pack', outcome: 'ok' });
    expect(audit.entries[0].target).toContain('from=2026-11-01');
  });

  it.each([
    ['a period upside down', 'evidence?from=2026-11-30&to=2026-11-01', 'invalid-period'],
    ['no end', 'evidence?from=2026-11-01', 'invalid-query'],
  ])('refuses %s with a problem', async (_what, path, code) => {
    // Act
    const res = await him('uk', 'GET', path, { roles: ['him-reviewer'] });
    // Assess
    expect(res.status).toBe(400);
    expect((await res.json()).type).toMatch(new RegExp(`/${code}$`));
  });
});
