import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { auditCommand } from './audit.js';
import { deliveriesCommand } from './deliveries.js';
import { disclosuresCommand } from './disclosures.js';
import { erasureCommand } from './erasure.js';
import { evidenceCommand } from './evidence.js';
import { holdsCommand } from './holds.js';
import { EXIT_CODES } from './http.js';
import { ledgerCommand } from './ledger.js';
import { type CliIo, policyCommand } from './policy.js';
import { retentionCommand } from './retention.js';
import { reviewCommand } from './review.js';
import { tokenCommand } from './token.js';
import { verifyBundleCommand } from './verify-bundle.js';
import { verifyEvidenceCommand } from './verify-evidence.js';

const USAGE = `usage: visitbridge <command> … (--help on any command)
  policy check FILE                          validate a residency policy file
  ledger list|export|verify|digest|bundle    the transfers ledger
  audit list|verify|digest|bundle            the HIM audit log
  deliveries list|replay                     deliveries, parked ones and their replay
  review queue|mark|resolve|history          HIM review of cross-border movements
  erasure preview|show|execute|certificate   erasure of a patient's notes (crypto-shredding)
  disclosures --patient SYSTEM|VALUE …       a patient's disclosure accounting (JSON, CSV, PDF)
  evidence --from D --to D --out DIR         an auditor's evidence pack (zip and folder)
  verify-evidence --dir DIR --public-key F   verify an evidence pack offline
  holds place|release|list                   legal holds on a patient or an organisation
  retention runs|run                         retention reports, and a run on request
  verify-bundle --dir DIR --public-key FILE  verify a ledger or audit bundle offline
  token --role R --user U                    a development token from the local stack
cell: --cell ID (local stack) or --url CELL-BASE-URL --token JWT (a deployed cell); every cell
      is read through its HIM API
exit codes: 0 ok, 1 check failed or refused, 2 usage error, 3 stack or cell unreachable
`;

/** A command with the environment it reads (VISITBRIDGE_TOKEN, PORT, HOST). */
type Command = (argv: string[], io: CliIo, env: Record<string, string | undefined>) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  policy: (argv, io) => policyCommand(argv, io),
  ledger: ledgerCommand,
  audit: auditCommand,
  deliveries: deliveriesCommand,
  review: reviewCommand,
  erasure: erasureCommand,
  holds: holdsCommand,
  retention: retentionCommand,
  'verify-bundle': (argv, io) => verifyBundleCommand(argv, io),
  disclosures: disclosuresCommand,
  evidence: evidenceCommand,
  'verify-evidence': (argv, io) => verifyEvidenceCommand(argv, io),
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
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`unknown command "${escapeControl(name)}"\n${USAGE}`);
    return EXIT_CODES.usage;
  }
  return command(rest, io, env);
}
