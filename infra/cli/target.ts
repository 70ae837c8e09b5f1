import type { HimRole } from '../local/dev-issuer.js';
import { type HimTarget, UsageError } from './http.js';
import { findLocalStack, localCell, mintDevToken } from './local-stack.js';

/** Options every HIM command takes to pick its cell. */
/** The usage line of the options in `TARGET_OPTIONS`. */
export const TARGET_USAGE =
  'cell: --cell ID (local stack; a dev token is minted unless --token) or --url CELL-BASE-URL --token JWT';

export const TARGET_OPTIONS = {
  cell: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  user: { type: 'string' },
} as const;

/**
 * The HIM API to talk to: `--url <cellBase>` with `--token` (or VISITBRIDGE_TOKEN)
 * for a deployed cell; otherwise `--cell` of the local stack, with a dev token
 * minted for `roles` when none is given.
 *
 * @throws UsageError without --url or --cell, for both, or for a cell the local stack
 *   does not have; UnreachableError when the local stack is not running.
 */
export async function resolveTarget(
  values: {
    cell?: string | undefined;
    url?: string | undefined;
    token?: string | undefined;
    user?: string | undefined;
  },
  env: Record<string, string | undefined>,
  roles: HimRole[],
): Promise<HimTarget> {
  const token = values.token ?? env.VISITBRIDGE_TOKEN;
  if (values.url && values.cell) throw new UsageError('give --cell ID (local stack) or --url, not both');
  if (values.url) {
    if (!token) throw new UsageError('--url needs --token or VISITBRIDGE_TOKEN');
    return { baseUrl: values.url, token };
  }
  if (!values.cell) throw new UsageError('give --cell ID (local stack) or --url CELL-BASE-URL --token JWT');
  const stack = await findLocalStack(env);
  const { baseUrl } = localCell(stack, values.cell);
  if (token) return { baseUrl, token };
  const minted = await mintDevToken(stack.url, { user: values.user ?? 'cli', roles });
  return { baseUrl, token: minted.access_token };
}
