import { join } from 'node:path';
import { HmacDigestSigner } from '../../shared/adapters/crypto/digest-hmac.js';
import { dynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLedgerStore } from '../../shared/adapters/dynamodb/ledger-store.js';
import type { HimRole } from '../local/dev-issuer.js';
import { localSettings, stackUrl } from '../local/settings.js';
import { UnreachableError } from './http.js';
import type { LedgerCliDeps } from './ledger.js';

/** What `GET /healthz` of a running local stack says about itself. */
export interface LocalStackInfo {
  url: string;
  dataDir: string;
  dynamodb: { endpoint: string };
  cells: Record<string, { baseUrl: string; table: string; region: string }>;
}

/**
 * Finds the stack `npm start` runs, from the same settings (PORT, HOST).
 *
 * @throws UnreachableError when no stack answers or it is still starting.
 */
export async function findLocalStack(env: Record<string, string | undefined>): Promise<LocalStackInfo> {
  const url = stackUrl(localSettings(env));
  let res: Response;
  try {
    res = await fetch(`${url}/healthz`);
  } catch {
    throw new UnreachableError(
      `no visitbridge stack at ${url}: start it with npm start (or pass --url and --token)`,
    );
  }
  if (!res.ok) throw new UnreachableError(`the stack at ${url} is not ready (${res.status})`);
  return (await res.json()) as LocalStackInfo;
}

/** A cell of the local stack, or a usage error naming the cells there are. */
export function localCell(stack: LocalStackInfo, cell: string) {
  const found = stack.cells[cell];
  if (!found)
    throw new UnreachableError(
      `no cell "${cell}" in the local stack (cells: ${Object.keys(stack.cells).join(', ')})`,
    );
  return found;
}

/** The ledger command's stores and signers on a running local stack: its DynamoDB and key files. */
export function localLedgerDeps(env: Record<string, string | undefined>): LedgerCliDeps {
  let stack: Promise<LocalStackInfo> | undefined;
  const info = () => {
    stack ??= findLocalStack(env);
    return stack;
  };
  return {
    storeForCell: async (cellId) => {
      const s = await info();
      const cell = localCell(s, cellId);
      return new DynamoLedgerStore({
        client: dynamoClient(cell.region, s.dynamodb.endpoint),
        tableName: cell.table,
        cellId,
      });
    },
    signerForCell: async (cellId) => {
      const s = await info();
      localCell(s, cellId);
      return HmacDigestSigner.fromKeyFile(join(s.dataDir, 'keys', `${cellId}.ledger-digest.key`));
    },
  };
}

/** Mints a token from the local stack's development issuer. */
export async function mintDevToken(
  stackUrlValue: string,
  input: { user: string; roles: HimRole[]; country?: string; ttlSeconds?: number },
): Promise<{ access_token: string; expires_in: number }> {
  let res: Response;
  try {
    res = await fetch(`${stackUrlValue}/dev-issuer/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    throw new UnreachableError(`no visitbridge stack at ${stackUrlValue}: start it with npm start`);
  }
  const body = (await res.json()) as { access_token: string; expires_in: number; error_description?: string };
  if (!res.ok) throw new UnreachableError(`the dev issuer refused: ${body.error_description ?? res.status}`);
  return body;
}
