import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSettings } from '../../infra/local/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { testDynamoEndpoint } from './dynamo.js';

export interface TestStack extends LocalStack {
  /** Posts raw bytes with the given headers to a cell route. */
  post(cell: string, path: string, body: string, headers: Record<string, string>): Promise<Response>;
  dispose(): Promise<void>;
}

/**
 * The real local stack on an ephemeral port, its tables on the shared test
 * DynamoDB Local under a unique suffix, keys and senders in a temp folder.
 */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vb-test-'));
  const settings = localSettings({ PORT: '0', VISITBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'WARN', ...env });
  const stack = await startLocalStack({
    settings,
    dynamoEndpoint: testDynamoEndpoint(),
    tableSuffix: `-${randomUUID().slice(0, 8)}`,
  });
  return {
    ...stack,
    post: (cell, path, body, headers) =>
      fetch(`${stack.url}/${cell}${path}`, { method: 'POST', headers, body }),
    dispose: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
