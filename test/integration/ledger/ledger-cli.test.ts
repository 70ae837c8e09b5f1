import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ledgerCommand } from '../../../infra/cli/ledger.js';
import { HmacDigestSigner } from '../../../shared/adapters/crypto/digest-hmac.js';
import { DynamoLedgerStore } from '../../../shared/adapters/dynamodb/ledger-store.js';
import { CSV_COLUMNS } from '../../../shared/domain/ledger/export.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

const client = testDynamoClient();
afterAll(() => client.destroy());
const signer = new HmacDigestSigner(Buffer.alloc(32, 3));

async function setup(count = 5) {
  const tableName = await createTestTable(client, 'cli');
  const store = new DynamoLedgerStore({ client, tableName, cellId: 'uk', shards: 1 });
  for (let i = 0; i < count; i += 1)
    await store.append([syntheticEntry(i, new Date(Date.UTC(2026, 10, 25, 10, i)))]);
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  };
  const deps = {
    storeForCell: async (cell: string) => {
      if (cell !== 'uk') throw new Error(`unknown cell ${cell}`);
      return store;
    },
    signerForCell: async () => signer,
    now: () => new Date('2026-11-25T12:00:00.000Z'),
  };
  const run = (...argv: string[]) => ledgerCommand(argv, io, deps);
  return { tableName, out, run };
}

describe('visitbridge ledger', () => {
  it('lists entries as a table by default', async () => {
    const { out, run } = await setup();
    expect(await run('list', '--cell', 'uk', '--limit', '2')).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT\s+KIND\s+DECISION\s+FROM\s+TO\s+RULE\s+NOTE\s+SHARD:SEQ\s+REVIEW$/);
    expect(lines).toHaveLength(3);
    expect(out.stderr).toMatch(/^more entries: add --cursor \S+\n$/);
  });

  it('lists with filters as JSON', async () => {
    const { out, run } = await setup();
    expect(
      await run(
        'list',
        '--cell',
        'uk',
        '--from',
        '2026-11-25T10:03:00Z',
        '--corridor',
        'uk:us',
        '--format',
        'json',
      ),
    ).toBe(0);
    expect(JSON.parse(out.stdout).map((e: { noteId: string }) => e.noteId)).toEqual(['note-3', 'note-4']);
  });

  it('exports CSV to a file and reports progress on stderr', async () => {
    const { out, run } = await setup();
    const file = join(mkdtempSync(join(tmpdir(), 'vb-cli-')), 'ledger.csv');
    expect(await run('export', '--cell', 'uk', '--format', 'csv', '--out', file)).toBe(0);
    const rows = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(6);
    expect(out.stderr).toBe(`exported 5 entries to ${file}\n`);
  });

  it('exports NDJSON to stdout by default', async () => {
    const { out, run } = await setup();
    expect(await run('export', '--cell', 'uk', '--decision', 'allowed')).toBe(0);
    expect(
      out.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it('verifies an intact ledger after a digest and exits 0', async () => {
    const { out, run } = await setup();
    expect(await run('digest', '--cell', 'uk')).toBe(0);
    expect(await run('verify', '--cell', 'uk')).toBe(0);
    expect(out.stdout).toContain('shard 0: ok, 5 entries');
    expect(out.stdout).toContain('digest: signature valid (2026-11-25T12:00:00.000Z');
    expect(out.stdout).toContain('ledger of cell uk: OK');
  });

  it('exits 1 and names the first bad seq when an entry was deleted', async () => {
    const { tableName, out, run } = await setup();
    await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: marshall({ pk: 'LEDGER#0', sk: 'SEQ#000000000002' }),
      }),
    );
    expect(await run('verify', '--cell', 'uk')).toBe(1);
    expect(out.stdout).toContain('shard 0: FAILED, deleted at seq 2');
    expect(out.stdout).toContain('TAMPERED');
  });

  it.each([
    [['list']],
    [['list', '--cell', 'uk', '--format', 'pdf']],
    [['list', '--cell', 'uk', '--corridor', 'uk']],
    [['list', '--cell', 'uk', '--from', 'yesterday']],
    [['frobnicate', '--cell', 'uk']],
    [['list', '--cell', 'uk', '--bogus']],
  ])('exits 2 with usage for %j', async (argv) => {
    const { out, run } = await setup(0);
    expect(await run(...argv)).toBe(2);
    expect(out.stderr).toContain('usage: visitbridge ledger');
  });

  it('exits 3 when the cell ledger cannot be reached', async () => {
    const { out, run } = await setup(0);
    expect(await run('list', '--cell', 'mars')).toBe(3);
    expect(out.stderr).toContain('unknown cell mars');
  });
});
