import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { cliAgainst } from '../../helpers/cli.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { cellTable, himClient, ledgerOf } from '../him/helpers.js';

// Seal commands against the real local stack: the HIM API's verify, digest, digests and
// public-key routes answer with SealReport, SealSummary, the anchored digest chain and the key.
let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
  env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
  for (let i = 0; i < 6; i += 1) await ledgerOf(stack, 'uk').append([syntheticEntry(i, new Date())]);
});
afterAll(() => stack.dispose());

const cli = cliAgainst(() => env);

/** The key an auditor obtains apart from the bundle (here: from the cell, before the export). */
async function trustedKeyFile(cell: string): Promise<string> {
  const res = await himClient(stack)(cell, 'GET', 'integrity/public-key', { roles: ['him-reviewer'] });
  const { publicKeyPem } = (await res.json()) as { publicKeyPem: string };
  const file = join(mkdtempSync(join(tmpdir(), 'vb-key-')), 'trusted.pem');
  writeFileSync(file, publicKeyPem);
  return file;
}

describe('visitbridge ledger verify|digest against the local stack', () => {
  it('seals the ledger on demand, then verifies it: every shard ok, exit 0', async () => {
    const digest = await cli('ledger', 'digest', '--cell', 'uk');
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/^sealed the ledger of cell uk: digest \d+ at /);
    const verify = await cli('ledger', 'verify', '--cell', 'uk');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^shard 0: ok, \d+ records \(\d+ sealed, 0 unsealed\)$/m);
    expect(verify.stdout).toMatch(/ledger of cell uk: OK/);
    const json = await cli('ledger', 'verify', '--cell', 'uk', '--format', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, chain: 'ledger', cell: 'uk' });
  });
});

describe('visitbridge audit verify against the local stack', () => {
  it('exits 1 and names the first bad item once a sealed audit entry is edited', async () => {
    expect((await cli('audit', 'list', '--cell', 'us')).code).toBe(0);
    expect((await cli('audit', 'digest', '--cell', 'us')).code).toBe(0);
    expect((await cli('audit', 'verify', '--cell', 'us')).code).toBe(0);
    await stack.dynamoClient.send(
      new UpdateItemCommand({
        TableName: cellTable(stack, 'us'),
        Key: marshall({ pk: 'AUDIT#0', sk: 'SEQ#000000000001' }),
        UpdateExpression: 'SET outcome = :o',
        ExpressionAttributeValues: marshall({ ':o': 'forbidden' }),
      }),
    );
    const bad = await cli('audit', 'verify', '--cell', 'us');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/shard 0: FAILED, edited at seq 1/);
    expect(bad.stdout).toMatch(/problems \(first bad item first\):\n {2}1\. shard 0/);
    // A later digest seals only what was added since; it cannot bless the edit, which verify still finds.
    expect((await cli('audit', 'digest', '--cell', 'us')).code).toBe(0);
    expect((await cli('audit', 'verify', '--cell', 'us')).code).toBe(1);
  });
});

describe('visitbridge ledger bundle and verify-bundle', () => {
  async function freshBundle() {
    expect((await cli('ledger', 'digest', '--cell', 'uk')).code).toBe(0);
    const dir = join(mkdtempSync(join(tmpdir(), 'vb-bundle-')), 'uk');
    const made = await cli('ledger', 'bundle', '--cell', 'uk', '--out', dir);
    expect(made.code).toBe(0);
    return { dir, key: await trustedKeyFile('uk') };
  }
  const lines = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n');

  it('verifies a bundle of the real cell offline with the trusted key', async () => {
    const { dir, key } = await freshBundle();
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', key);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('ledger of cell uk: OK');
  });

  it('fails when one record was edited', async () => {
    const { dir, key } = await freshBundle();
    const records = lines(dir, 'records.ndjson');
    records[0] = records[0]?.replace('"purpose":"treatment"', '"purpose":"research"') ?? '';
    writeFileSync(join(dir, 'records.ndjson'), `${records.join('\n')}\n`);
    expect((await cli('verify-bundle', '--dir', dir, '--public-key', key)).code).toBe(1);
  });

  it('fails when one digest line was removed', async () => {
    const { dir, key } = await freshBundle();
    const digests = lines(dir, 'digests.ndjson');
    expect(digests.length).toBeGreaterThan(1);
    writeFileSync(join(dir, 'digests.ndjson'), `${digests.slice(1).join('\n')}\n`);
    expect((await cli('verify-bundle', '--dir', dir, '--public-key', key)).code).toBe(1);
  });

  it('fails with another key', async () => {
    const { dir, key } = await freshBundle();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    writeFileSync(key, other.export({ type: 'spki', format: 'pem' }).toString());
    const res = await cli('verify-bundle', '--dir', dir, '--public-key', key);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('its signature does not verify');
  });
});
