import { parseArgs } from 'node:util';
import { HIM_ROLES, type HimRole } from '../local/dev-issuer.js';
import { localSettings, stackUrl } from '../local/settings.js';
import { EXIT_CODES, UsageError } from './http.js';
import { mintDevToken } from './local-stack.js';
import type { CliIo } from './policy.js';
import { runCommand } from './run.js';

const USAGE = `usage: visitbridge token --role ROLE [--role ROLE2] --user USER [--country GB] [--ttl SECONDS] [--json]
  Mints an HIM token from the local stack's development issuer (never deployed).
  roles: ${HIM_ROLES.join(', ')}
  e.g. export VISITBRIDGE_TOKEN=$(visitbridge token --role privacy-officer --user hana --country GB)
`;

/**
 * `visitbridge token`: a development token for the local stack's HIM API.
 *
 * @returns 0 ok, 2 usage error, 3 stack unreachable.
 */
export async function tokenCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values: v } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string', multiple: true },
        user: { type: 'string' },
        country: { type: 'string' },
        ttl: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (v.help) {
      io.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    const roles = v.role ?? [];
    const unknown = roles.filter((r) => !(HIM_ROLES as readonly string[]).includes(r));
    if (roles.length === 0 || unknown.length > 0)
      throw new UsageError(`--role must be one of ${HIM_ROLES.join(', ')}`);
    if (!v.user) throw new UsageError('--user is required');
    if (v.country !== undefined && !/^[A-Z]{2}$/.test(v.country))
      throw new UsageError('--country must be an ISO 3166-1 alpha-2 code such as GB');
    const ttlSeconds = v.ttl === undefined ? undefined : Number(v.ttl);
    if (
      ttlSeconds !== undefined &&
      !(Number.isInteger(ttlSeconds) && ttlSeconds >= 60 && ttlSeconds <= 86_400)
    )
      throw new UsageError('--ttl must be 60-86400 seconds');
    const minted = await mintDevToken(stackUrl(localSettings(env)), {
      user: v.user,
      roles: roles as HimRole[],
      ...(v.country ? { country: v.country } : {}),
      ...(ttlSeconds ? { ttlSeconds } : {}),
    });
    io.stdout.write(v.json ? `${JSON.stringify(minted, null, 2)}\n` : `${minted.access_token}\n`);
    return EXIT_CODES.ok;
  });
}
