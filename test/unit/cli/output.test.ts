import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../infra/cli/main.js';
import { chainedEntries, runCli, type Seen, startFakeCell } from './fake-cell.js';

const delivery = {
  senderId: 'demo\x1b[31m',
  noteId: 'n-1',
  version: 1,
  eventKind: 'finalized',
  state: 'delivered',
  ehrTarget: 'uk-ehr',
  attempts: 1,
  receivedAt: '2026-11-30T09:00:00.000Z',
};

let reply: (req: Seen) => { status: number; body: unknown } | undefined;
let cell: Awaited<ReturnType<typeof startFakeCell>>;
let env: Record<string, string>;
beforeAll(async () => {
  cell = await startFakeCell((req) => reply(req));
  env = { PORT: new URL(cell.url).port, HOST: '127.0.0.1' };
});
afterAll(() => cell.close());
beforeEach(() => {
  cell.seen.length = 0;
});

const cli = (...argv: string[]) => runCli((a, io) => main(a, io, env), argv);

describe('the CLI shows what the API says', () => {
  it("prints the API's per-field problems and exits 2 when the values given are wrong", async () => {
    reply = () => ({
      status: 400,
      body: {
        type: 'https://visitbridge.dev/problems/invalid-query',
        title: 'Invalid query parameters',
        status: 400,
        detail: '1 query parameter(s) not valid',
        errors: [
          { path: 'from', message: 'must be a date (2026-11-30) or an ISO 8601 date-time with a zone' },
        ],
      },
    });
    const res = await cli('ledger', 'list', '--cell', 'uk', '--from', 'yesterday');
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'refused: 400 Invalid query parameters\n  from: must be a date (2026-11-30) or an ISO 8601 date-time with a zone\n',
    );
    expect(cell.seen[0]?.query).toEqual({ from: 'yesterday' });
  });

  it('sends date-only replay bounds as given, in the body', async () => {
    reply = () => ({ status: 200, body: { count: 2 } });
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
    expect(res).toMatchObject({ code: 0, stdout: 'dry run: 2 parked deliveries would be replayed\n' });
    expect(cell.seen[0]).toMatchObject({
      method: 'POST',
      path: 'deliveries/replay',
      body: { from: '2026-11-01', to: '2026-11-30', dryRun: true },
    });
  });

  it('lists deliveries without a state filter unless --state is given', async () => {
    reply = () => ({ status: 200, body: { items: [delivery] } });
    await cli('deliveries', 'list', '--cell', 'uk');
    await cli('deliveries', 'list', '--cell', 'uk', '--state', 'parked');
    expect(cell.seen.map((s) => s.query.state)).toEqual([undefined, 'parked']);
  });

  it('leaves missing CSV cells empty, shows them as - in a table, and escapes control characters in both', async () => {
    reply = () => ({ status: 200, body: { items: [delivery] } });
    const csv = await cli('deliveries', 'list', '--cell', 'uk', '--csv');
    expect(csv.stdout.split('\r\n')[1]).toBe(
      '2026-11-30T09:00:00.000Z,demo\\x1b[31m,n-1,1,finalized,delivered,uk-ehr,1,,',
    );
    const table = await cli('deliveries', 'list', '--cell', 'uk');
    expect(table.stdout.split('\n')[1]?.split(/ {2,}/)).toEqual([
      '2026-11-30T09:00:00.000Z',
      'demo\\x1b[31m',
      'n-1',
      '1',
      'finalized',
      'delivered',
      'uk-ehr',
      '1',
      '-',
      '-',
    ]);
    expect(table.stdout).not.toContain('\x1b');
  });

  it('escapes control characters in JSON output and still prints valid JSON', async () => {
    reply = () => ({ status: 200, body: { entries: [{ target: 'x\u009b2J\u202e' }] } });
    const res = await cli('audit', 'list', '--cell', 'uk', '--json');
    expect(res.stdout).toContain('x\\u009b2J\\u202e');
    expect(JSON.parse(res.stdout).entries[0].target).toBe('x\u009b2J\u202e');
  });
});

describe('visitbridge ledger export', () => {
  const entries = chainedEntries(3);
  beforeEach(() => {
    reply = () => ({ status: 200, body: { entries } });
  });

  it('needs --out: never writes silently into the working folder (exit 2)', async () => {
    const res = await cli('ledger', 'export', '--cell', 'uk');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--out FILE, or --out - for stdout');
    expect(cell.seen).toEqual([]);
  });

  it('writes to stdout with --out -', async () => {
    const res = await cli('ledger', 'export', '--cell', 'uk', '--out', '-');
    expect(res.code).toBe(0);
    expect(
      res.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2, 3]);
    expect(cell.seen[0]?.query.limit).toBe('1000');
  });

  it('writes a new file and never overwrites one (exit 2)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vb-export-')), 'ledger.csv');
    expect((await cli('ledger', 'export', '--cell', 'uk', '--format', 'csv', '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8').split('\r\n')).toHaveLength(5);
    writeFileSync(file, 'keep me');
    const again = await cli('ledger', 'export', '--cell', 'uk', '--out', file);
    expect(again.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});
