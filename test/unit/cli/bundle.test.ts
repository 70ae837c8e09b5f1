import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../infra/cli/main.js';
import { chainedEntries, newKeyPair, runCli, signDigests, startFakeCell } from './fake-cell.js';

const entries = chainedEntries(5);
const key = newKeyPair();
const objects = signDigests('ledger', 'uk', entries, [2, 3, 4], key.privateKey);

let cell: Awaited<ReturnType<typeof startFakeCell>>;
let env: Record<string, string>;
beforeAll(async () => {
  cell = await startFakeCell((req) => {
    if (req.path === 'whoami')
      return { status: 200, body: { user: 'cli', roles: [], cell: 'uk', jurisdiction: 'UK' } };
    if (req.path === 'ledger/digests') return { status: 200, body: { objects } };
    if (req.path === 'integrity/public-key')
      return { status: 200, body: { keyId: 'local:test', publicKeyPem: key.publicKeyPem } };
    if (req.path === 'ledger') {
      const start = Number(req.query.cursor ?? 0);
      const end = start + 3;
      return {
        status: 200,
        body: {
          entries: entries.slice(start, end),
          ...(end < entries.length ? { nextCursor: String(end) } : {}),
        },
      };
    }
    return undefined;
  });
  env = { PORT: new URL(cell.url).port, HOST: '127.0.0.1' };
});
afterAll(() => cell.close());

const cli = (...argv: string[]) => runCli((a, io) => main(a, io, env), argv);

async function bundle() {
  const dir = join(mkdtempSync(join(tmpdir(), 'vb-bundle-')), 'uk-ledger');
  const res = await cli('ledger', 'bundle', '--cell', 'uk', '--out', dir);
  expect(res.code).toBe(0);
  const keyFile = join(dir, '..', 'trusted.pem');
  writeFileSync(keyFile, key.publicKeyPem);
  return { dir, keyFile, res };
}

const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');

describe('visitbridge ledger bundle', () => {
  it('writes every record over all pages, the digest chain byte for byte, the key and a manifest', async () => {
    cell.seen.length = 0;
    const { dir, res } = await bundle();
    expect(lines(dir, 'records.ndjson').map((l) => JSON.parse(l))).toEqual(entries);
    expect(lines(dir, 'digests.ndjson').map((l) => JSON.parse(l))).toEqual(objects);
    expect(readFileSync(join(dir, 'public-key.pem'), 'utf8')).toBe(key.publicKeyPem);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ chain: 'ledger', cell: 'uk', counts: { records: 5, digests: 3 } });
    expect(manifest.files['records.ndjson'].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.stderr).toContain('bundle: 3 records…');
    const paths = cell.seen.map((s) => s.path);
    expect(paths.indexOf('ledger/digests')).toBeLessThan(paths.indexOf('ledger'));
  });

  it('refuses to write into a folder that holds a bundle already (exit 2)', async () => {
    const { dir } = await bundle();
    const again = await cli('ledger', 'bundle', '--cell', 'uk', '--out', dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists');
    expect(lines(dir, 'records.ndjson')).toHaveLength(5);
  });
});

describe('visitbridge verify-bundle', () => {
  it('verifies an intact bundle offline with the trusted key; the record after the last digest is unsealed', async () => {
    const { dir, keyFile } = await bundle();
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', keyFile);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('files: match the manifest');
    expect(res.stdout).toContain('shard 0: ok, 5 records (4 sealed, 1 unsealed)');
    expect(res.stdout).toContain('ledger of cell uk: OK');
  });

  it('fails when one record was edited, naming its seq', async () => {
    const { dir, keyFile } = await bundle();
    const records = lines(dir, 'records.ndjson');
    records[1] = records[1]?.replace('"decision":"allowed"', '"decision":"denied"') ?? '';
    writeFileSync(join(dir, 'records.ndjson'), `${records.join('\n')}\n`);
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', keyFile);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/shard 0: FAILED, \w+ at seq 2/);
  });

  it('fails when a digest line was removed from the middle of the chain', async () => {
    const { dir, keyFile } = await bundle();
    const digests = lines(dir, 'digests.ndjson');
    writeFileSync(join(dir, 'digests.ndjson'), `${[digests[0], digests[2]].join('\n')}\n`);
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', keyFile, '--format', 'json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).report.digests).toMatchObject({
      ok: false,
      problem: expect.stringContaining('seq 2 is missing'),
    });
  });

  it('fails when the last digest line was removed (the files no longer match the manifest)', async () => {
    const { dir, keyFile } = await bundle();
    writeFileSync(join(dir, 'digests.ndjson'), `${lines(dir, 'digests.ndjson').slice(0, 2).join('\n')}\n`);
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', keyFile);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('digests.ndjson does not match the manifest');
  });

  it('fails with another key than the one that signed the digests', async () => {
    const { dir, keyFile } = await bundle();
    writeFileSync(keyFile, newKeyPair().publicKeyPem);
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', keyFile);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('its signature does not verify');
    expect(res.stdout).toContain('the bundle carries a different public-key.pem');
  });

  it('exits 2 for a folder that is not a bundle or a key file that is not a PEM public key', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vb-empty-'));
    const { dir } = await bundle();
    writeFileSync(join(empty, 'k.pem'), 'not a key');
    expect(
      (await cli('verify-bundle', '--dir', empty, '--public-key', join(dir, 'public-key.pem'))).code,
    ).toBe(2);
    expect((await cli('verify-bundle', '--dir', dir, '--public-key', join(empty, 'k.pem'))).code).toBe(2);
  });
});
