import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDbLocal,
  localDynamoClient,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb-local.js';
import { createTableInput } from '../../shared/adapters/dynamodb/table-definition.js';

/** Addresses of this machine other than loopback (link-local IPv6 left out: it needs a scope). */
const externalAddresses = Object.values(networkInterfaces())
  .flatMap((addresses) => addresses ?? [])
  .filter((a) => !a.internal && !a.address.startsWith('fe80:'))
  .map((a) => a.address);

/** `connected`, or the error code of a TCP connection attempt (a silent drop counts as `timeout`). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(3000, () => done('timeout'));
    socket.once('connect', () => done('connected'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

describe('DynamoDB Local as the local stack starts it', () => {
  let root: string;
  let dataDir: string;
  let ddb: DynamoDbLocal;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vb-ddb-'));
    dataDir = join(root, 'data', 'dynamodb');
    ddb = await startDynamoDbLocal({ dataDir });
    const client = localDynamoClient(ddb.endpoint);
    await client.send(new CreateTableCommand(createTableInput('modes-test')));
    client.destroy();
  }, 120_000);
  afterAll(async () => {
    await ddb?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers on loopback', async () => {
    expect(await tryConnect('127.0.0.1', ddb.port)).toBe('connected');
  });

  // A machine with loopback only has nothing to prove this on; the reason shows in the test name.
  (externalAddresses.length ? it : it.skip)(
    `is not reachable on this machine's other addresses (${externalAddresses.join(', ') || 'none: skipped'})`,
    async () => {
      const outcomes = await Promise.all(externalAddresses.map((a) => tryConnect(a, ddb.port)));

      expect(outcomes).not.toContain('connected');
    },
  );

  it('keeps its database folder 0700 and its files 0600', async () => {
    const files = await readdir(dataDir);
    const modes = await Promise.all(files.map(async (f) => (await stat(join(dataDir, f))).mode & 0o777));

    expect(files.length).toBeGreaterThan(0);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(modes.every((mode) => mode === 0o600)).toBe(true);
  });
});
