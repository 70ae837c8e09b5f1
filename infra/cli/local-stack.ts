import type { HimRole } from '../local/dev-issuer.js';
import { localSettings, stackUrl } from '../local/settings.js';
import { UnreachableError, UsageError } from './http.js';

/** What `GET /healthz` of a running local stack says about itself. */
export interface LocalStackInfo {
  url: string;
  cells: Record<string, { baseUrl: string }>;
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

/**
 * A cell of the local stack.
 *
 * @throws UsageError naming the cells there are when the stack has no such cell.
 */
export function localCell(stack: LocalStackInfo, cell: string): { baseUrl: string } {
  const found = Object.hasOwn(stack.cells, cell) ? stack.cells[cell] : undefined;
  if (!found)
    throw new UsageError(
      `no cell "${cell}" in the local stack (cells: ${Object.keys(stack.cells).join(', ')})`,
    );
  return found;
}

/**
 * Mints a token from the local stack's development issuer.
 *
 * @throws UnreachableError when the stack does not answer or the issuer refuses.
 */
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
