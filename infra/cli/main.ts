import { auditCommand } from './audit.js';
import { deliveriesCommand } from './deliveries.js';
import { EXIT_CODES } from './http.js';
import { ledgerCommand } from './ledger.js';
import { localLedgerDeps } from './local-stack.js';
import { type CliIo, policyCommand } from './policy.js';
import { remoteLedgerCommand } from './remote-ledger.js';
import { tokenCommand } from './token.js';

const USAGE = `usage: visitbridge <command> … (--help on any command)
  policy check FILE                    validate a residency policy file
  ledger list|export|verify|digest     the transfers ledger (--cell ID locally, --url/--token for a deployed cell)
  deliveries list|replay               deliveries, parked ones and their replay
  audit verify|list                    the HIM audit log
  token --role R --user U              a development token from the local stack
exit codes: 0 ok, 1 check failed or refused, 2 usage error, 3 stack or cell unreachable
`;

/** A command with the environment it reads (VISITBRIDGE_TOKEN, PORT, HOST, VISITBRIDGE_DATA_DIR). */
type Command = (argv: string[], io: CliIo, env: Record<string, string | undefined>) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  policy: (argv, io) => policyCommand(argv, io),
  ledger: (argv, io, env) =>
    argv.some((a) => a === '--url' || a.startsWith('--url='))
      ? remoteLedgerCommand(argv, io, env)
      : ledgerCommand(argv, io, localLedgerDeps(env)),
  deliveries: deliveriesCommand,
  audit: auditCommand,
  token: tokenCommand,
};

/**
 * The `visitbridge` CLI (bin/visitbridge.mjs): dispatches to one command.
 *
 * @returns the process exit code.
 */
export async function main(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n${USAGE}`);
    return EXIT_CODES.usage;
  }
  return command(rest, io, env);
}
