import { main } from '../../../infra/cli/main.js';
import type { SealReport } from '../../../shared/domain/seal/verify-sealed.js';
import { runCli, type Seen, startFakeCell } from './fake-cell.js';

const okReport: SealReport = {
  ok: true,
  chain: 'ledger',
  cell: 'uk',
  checkedAt: '2026-11-30T12:00:00.000Z',
  digests: { ok: true, count: 3, latest: { seq: 3, at: '2026-11-30T11:55:00.000Z', keyId: 'local:abc' } },
  shards: [
    { shard: 0, ok: true, count: 5, sealed: 4, unsealed: 1 },
    { shard: 1, ok: true, count: 2, sealed: 2, unsealed: 0 },
  ],
  unsealed: {
    ok: true,
    count: 1,
    oldestAt: '2026-11-30T11:58:00.000Z',
    mustBeSealedBy: '2026-11-30T12:08:00.000Z',
  },
  strays: [],
  problems: [],
};

const badReport: SealReport = {
  ...okReport,
  ok: false,
  shards: [
    {
      shard: 0,
      ok: false,
      count: 5,
      sealed: 4,
      unsealed: 1,
      firstBadSeq: 2,
      problem: 'edited',
      detail: 'seq 2 hash differs',
    },
    { shard: 1, ok: true, count: 2, sealed: 2, unsealed: 0 },
  ],
  strays: [{ key: 'LEDGER#7 / SEQ#000000000001', reason: 'a partition beyond the configured shards' }],
  problems: [
    'shard 0: seq 2 hash differs',
    'item LEDGER#7 / SEQ#000000000001: a partition beyond the configured shards',
  ],
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

describe('visitbridge ledger|audit verify', () => {
  it('prints each shard with sealed and unsealed counts, the digest chain and the deadline; exit 0', async () => {
    reply = (req) => (req.path === 'ledger/verify' ? { status: 200, body: okReport } : undefined);
    const res = await cli('ledger', 'verify', '--cell', 'uk');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'digest chain: 3 digest(s), ok; latest seq 3 at 2026-11-30T11:55:00.000Z, key local:abc',
    );
    expect(res.stdout).toContain('shard 0: ok, 5 records (4 sealed, 1 unsealed)');
    expect(res.stdout).toContain(
      'unsealed: 1 record(s) since 2026-11-30T11:58:00.000Z, must be sealed by 2026-11-30T12:08:00.000Z',
    );
    expect(res.stdout.trimEnd().split('\n').at(-1)).toBe(
      'ledger of cell uk: OK (checked 2026-11-30T12:00:00.000Z)',
    );
  });

  it('exits 1 and lists strays and every problem, first bad item first', async () => {
    reply = (req) =>
      req.path === 'audit/verify' ? { status: 200, body: { ...badReport, chain: 'audit' } } : undefined;
    const res = await cli('audit', 'verify', '--cell', 'uk');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      'shard 0: FAILED, edited at seq 2, 5 records (4 sealed, 1 unsealed): seq 2 hash differs',
    );
    expect(res.stdout).toMatch(/strays: 1\n {2}LEDGER#7 \/ SEQ#000000000001: a partition beyond/);
    expect(res.stdout).toMatch(
      /problems \(first bad item first\):\n {2}1\. shard 0: seq 2 hash differs\n {2}2\. item LEDGER#7/,
    );
    expect(res.stdout).toContain('audit log of cell uk: FAILED');
  });

  it('prints the report as JSON with --format json', async () => {
    reply = (req) => (req.path === 'ledger/verify' ? { status: 200, body: okReport } : undefined);
    const res = await cli('ledger', 'verify', '--cell', 'uk', '--format', 'json');
    expect(JSON.parse(res.stdout)).toEqual(okReport);
  });

  it('exits 2 for a cell the local stack does not have, naming the cells it has', async () => {
    const res = await cli('ledger', 'verify', '--cell', 'mars');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no cell "mars" in the local stack (cells: uk)');
    expect(cell.seen).toEqual([]);
  });

  it('exits 3 when no stack answers', async () => {
    const res = await runCli(
      (a, io) => main(a, io, { ...env, PORT: '1' }),
      ['audit', 'verify', '--cell', 'uk'],
    );
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/no visitbridge stack at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('visitbridge ledger|audit digest', () => {
  it('seals through the API with an integration-admin token and prints what it sealed', async () => {
    reply = (req) =>
      req.method === 'POST' && req.path === 'audit/digest'
        ? {
            status: 200,
            body: {
              chain: 'audit',
              cell: 'uk',
              seq: 4,
              at: '2026-11-30T12:00:00.000Z',
              keyId: 'local:abc',
              shards: [{ shard: 0, seq: 9, hash: 'a'.repeat(64) }],
              newlySealed: 2,
            },
          }
        : undefined;
    const res = await cli('audit', 'digest', '--cell', 'uk');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      'sealed the audit log of cell uk: digest 4 at 2026-11-30T12:00:00.000Z, key local:abc, 2 newly sealed (shard 0 seq 9)\n',
    );
    expect(JSON.parse(cell.seen[0]?.authorization?.replace('Bearer dev:', '') ?? '{}').roles).toEqual([
      'integration-admin',
    ]);
  });

  it('exits 1 with the problem when the cell refuses to seal a chain that fails its check', async () => {
    reply = () => ({
      status: 409,
      body: {
        type: 'https://visitbridge.dev/problems/seal-refused',
        title: 'Integrity check failed: nothing was sealed',
        status: 409,
        detail: 'the ledger was not sealed: shard 0 is shorter than sealed',
      },
    });
    const res = await cli('ledger', 'digest', '--cell', 'uk');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'refused: 409 Integrity check failed: nothing was sealed: the ledger was not sealed: shard 0 is shorter than sealed\n',
    );
  });
});
