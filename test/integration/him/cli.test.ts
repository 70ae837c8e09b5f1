import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SENDER_ID } from '../../../infra/local/settings.js';
import { CSV_COLUMNS } from '../../../shared/domain/ledger/export.js';
import { cliAgainst } from '../../helpers/cli.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { ledgerOf, park, postNote } from './helpers.js';

/** The uk cell's synthetic ledger entries' day, as CLI options. */
const SYNTHETIC_DAY = ['--cell', 'uk', '--from', '2026-11-25', '--to', '2026-11-25'];

let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
  env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
  for (let i = 0; i < 3; i += 1)
    await ledgerOf(stack, 'uk').append([syntheticEntry(i, new Date(Date.UTC(2026, 10, 25, 9, i)))]);
});
afterAll(() => stack.dispose());

const cli = cliAgainst(() => env);

describe('visitbridge CLI against the HIM API', () => {
  it('mints a dev token that a deployed-style --url call accepts', async () => {
    // Act
    const token = await cli('token', '--role', 'him-reviewer', '--user', 'hana', '--country', 'GB');
    const listed = await cli(
      'ledger',
      'list',
      '--url',
      `${stack.url}/uk/`,
      '--token',
      token.stdout.trim(),
      '--json',
    );
    // Assess
    expect(token.code).toBe(0);
    expect(token.stdout.trim().split('.')).toHaveLength(3);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).entries.map((e: { noteId: string }) => e.noteId)).toEqual([
      'note-0',
      'note-1',
      'note-2',
    ]);
  });

  it('exports the ledger of a cell over HTTP as CSV to a file', async () => {
    const token = (await cli('token', '--role', 'privacy-officer', '--user', 'hana')).stdout.trim();
    const file = join(mkdtempSync(join(tmpdir(), 'vb-him-cli-')), 'ledger.csv');
    const res = await cli('ledger', 'export', '--url', `${stack.url}/uk/`, '--csv', '--out', file);
    expect(res.code).toBe(2);
    const ok = await cli(
      'ledger',
      'export',
      '--url',
      `${stack.url}/uk/`,
      '--token',
      token,
      '--csv',
      '--out',
      file,
    );
    expect(ok.code).toBe(0);
    const rows = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(4);
    expect(ok.stderr).toBe(`exported 3 entries to ${file}\n`);
  });

  it('lists a parked delivery and replays it once; a second replay is refused with exit 1', async () => {
    await postNote(stack, 'ca', 'cli-park-1');
    await park(stack, 'ca', 'cli-park-1', '2026-11-25T12:00:00.000Z');
    const listed = await cli('deliveries', 'list', '--cell', 'ca', '--state', 'parked');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^RECEIVED\s+SENDER\s+NOTE/);
    expect(listed.stdout).toContain('cli-park-1');
    const ref = `${DEMO_SENDER_ID}/cli-park-1/1`;
    expect(await cli('deliveries', 'replay', ref, '--cell', 'ca')).toMatchObject({
      code: 0,
      stdout: 'requeued\n',
    });
    const again = await cli('deliveries', 'replay', ref, '--cell', 'ca');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409 Delivery is not parked/);
    const every = await cli('deliveries', 'list', '--cell', 'ca', '--json');
    expect(every.code).toBe(0);
    expect(JSON.parse(every.stdout).items.map((d: { noteId: string }) => d.noteId)).toContain('cli-park-1');
  });

  it('lists the ledger of the local cell through its API, by date-only range and real patient identifier', async () => {
    const all = await cli('ledger', 'list', ...SYNTHETIC_DAY, '--json');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).entries.map((e: { noteId: string }) => e.noteId)).toEqual([
      'note-0',
      'note-1',
      'note-2',
    ]);
    const before = await cli('ledger', 'list', '--cell', 'uk', '--to', '2026-11-24', '--json');
    expect(JSON.parse(before.stdout).entries).toEqual([]);
    const patient = await cli(
      'ledger',
      'list',
      '--cell',
      'uk',
      '--patient',
      'https://fhir.nhs.uk/Id/nhs-number|0',
      '--json',
    );
    expect(patient.code).toBe(0);
    expect(JSON.parse(patient.stdout).entries).toEqual([]);
  });

  it("exits 2 with the API's per-field problems for a malformed filter", async () => {
    const res = await cli('ledger', 'list', '--cell', 'uk', '--from', 'yesterday', '--patient', 'no-bar');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^refused: 400 /);
    expect(res.stderr).toMatch(/\n {2}from: must be a date/);
    expect(res.stderr).toMatch(/\n {2}patient: must be <system>\|<value>/);
  });

  it('takes date-only bounds for a dry-run replay of parked deliveries', async () => {
    const res = await cli(
      'deliveries',
      'replay',
      '--cell',
      'uk',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
      '--dry-run',
    );
    expect(res).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^dry run: \d+ parked deliveries would be replayed\n$/),
    });
  });

  it("names a replay's bad body fields as body.*", async () => {
    const res = await cli('deliveries', 'replay', '--cell', 'uk', '--from', 'soon', '--to', '2026-11-30');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/\n {2}body\.from: must be a date/);
  });

  it('exits 2 for a cell the local stack does not have', async () => {
    const res = await cli('deliveries', 'list', '--cell', 'mars');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no cell "mars" in the local stack \(cells: [a-z, ]+\)/);
  });

  it('escapes control characters a caller put into a query, in the audit log and on the terminal', async () => {
    expect((await cli('ledger', 'list', '--cell', 'us', '--note', 'n\r\nforged\x1b[2J')).code).toBe(0);
    const listed = await cli('audit', 'list', '--cell', 'us', '--limit', '1000');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('ledger?noteId=n\\x0d\\x0aforged\\x1b[2J');
    expect(listed.stdout).not.toContain('\x1b');
  });

  it('lists the entries of one HIM action with --action-id, its id in the ACTION ID column', async () => {
    // Prepare: one action (the console's header) reads the ledger of the uk cell
    const id = randomUUID();
    const token = (await cli('token', '--role', 'him-reviewer', '--user', 'hana')).stdout.trim();
    const res = await fetch(`${stack.url}/uk/v1/him/ledger`, {
      headers: { authorization: `Bearer ${token}`, 'x-him-action': id },
    });
    expect(res.status).toBe(200);
    // Act
    const table = await cli('audit', 'list', '--cell', 'uk', '--action-id', id);
    const json = await cli('audit', 'list', '--cell', 'uk', '--action-id', id, '--format', 'json');
    // Assess
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^SEQ\s+AT\s+ACTION ID\s+ACTOR/);
    expect(rows).toEqual([expect.stringContaining(id)]);
    expect(rows[0]).toMatch(/him:hana\s+him-reviewer\s+ledger\.list/);
    expect(JSON.parse(json.stdout).entries.map((e: { actionId: string }) => e.actionId)).toEqual([id]);
  });

  it('refuses --action-id outside list (exit 2)', async () => {
    const res = await cli('audit', 'verify', '--cell', 'uk', '--action-id', randomUUID());
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--action-id/);
  });

  it('exits 3 when no stack answers', async () => {
    env = { ...env, PORT: '1' };
    try {
      const res = await cli('audit', 'verify', '--cell', 'uk');
      expect(res.code).toBe(3);
      expect(res.stderr).toMatch(/no visitbridge stack at http:\/\/127\.0\.0\.1:1/);
    } finally {
      env = { ...env, PORT: new URL(stack.url).port };
    }
  });

  it.each([['deliveries'], ['audit'], ['token'], ['ledger'], ['policy'], ['verify-bundle']])(
    'prints help for %s and exits 0',
    async (name) => {
      const res = await cli(name, '--help');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^usage: visitbridge/);
    },
  );

  it('exits 2 for an unknown subcommand or command', async () => {
    expect((await cli('deliveries', 'frobnicate', '--cell', 'uk')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('token', '--role', 'admin', '--user', 'x')).code).toBe(2);
  });
});

describe('visitbridge review', () => {
  /** The positions of the three synthetic movements, oldest first. */
  const refs = async () => {
    const listed = await cli('ledger', 'list', ...SYNTHETIC_DAY, '--json');
    return JSON.parse(listed.stdout).entries.map(
      (e: { shard: number; seq: number }) => `${e.shard}:${e.seq}`,
    );
  };

  it('shows the queue with counts, marks two movements reviewed, flags one and resolves the flag as privacy officer', async () => {
    // Prepare
    const [first, second, third] = await refs();
    // Act
    const queue = await cli('review', 'queue', ...SYNTHETIC_DAY);
    const marked = await cli('review', 'mark', first, second, '--state', 'reviewed', '--cell', 'uk');
    const flagged = await cli(
      'review',
      'mark',
      third,
      '--state',
      'flagged',
      '--comment',
      'no mechanism reference',
      '--cell',
      'uk',
    );
    const reviewerToken = (await cli('token', '--role', 'him-reviewer', '--user', 'rev')).stdout.trim();
    const asReviewer = await cli(
      'review',
      'resolve',
      third,
      '--comment',
      'checked',
      '--cell',
      'uk',
      '--token',
      reviewerToken,
    );
    const resolved = await cli(
      'review',
      'resolve',
      third,
      '--comment',
      'checked with the DPO',
      '--cell',
      'uk',
      '--user',
      'po',
    );
    const history = await cli('review', 'history', third, '--cell', 'uk', '--json');
    const after = await cli('review', 'queue', '--state', 'unreviewed', ...SYNTHETIC_DAY, '--json');
    // Assess
    expect(queue.stderr).toBe('');
    expect(queue.code).toBe(0);
    expect(queue.stdout).toMatch(/CORRIDOR\s+UNREVIEWED/);
    expect(queue.stdout).toContain(first);
    expect(marked).toMatchObject({
      code: 0,
      stdout: `${first} reviewed (review 1)\n${second} reviewed (review 1)\n`,
    });
    expect(flagged.code).toBe(0);
    expect(asReviewer.code).toBe(1);
    expect(asReviewer.stderr).toMatch(/privacy-officer/);
    expect(resolved).toMatchObject({ code: 0, stdout: `${third} resolved (review 2)\n` });
    expect(JSON.parse(history.stdout).events.map((e: { to: string }) => e.to)).toEqual([
      'flagged',
      'resolved',
    ]);
    expect(JSON.parse(after.stdout).entries).toEqual([]);
  });

  it('refuses a second review of the same movement with exit 1, and a mark without --state with exit 2', async () => {
    const [first] = await refs();
    const again = await cli('review', 'mark', first, '--state', 'reviewed', '--cell', 'uk');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/reviewed/);
    expect((await cli('review', 'mark', first, '--cell', 'uk')).code).toBe(2);
  });
});
