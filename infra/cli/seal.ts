import type { SealedChainName } from '../../shared/domain/seal/digest.js';
import type { SealReport } from '../../shared/domain/seal/verify-sealed.js';
import type { SealSummary } from '../../shared/ports/sealer.js';
import { writeBundle } from './bundle.js';
import { EXIT_CODES, type HimTarget, himJson, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, stringOptions } from './run.js';
import { sealReportText, sealSummaryText } from './seal-text.js';
import { jsonText } from './table.js';
import { TARGET_OPTIONS } from './target.js';

/** The subcommands `ledger` and `audit` share: their digest chain, through the cell's HIM API. */
export const SEAL_COMMANDS = ['verify', 'digest', 'bundle'] as const;

/** The options the ledger and audit commands share: the cell, the output format, the period and paging, `--out`. */
export const CHAIN_OPTIONS = {
  ...TARGET_OPTIONS,
  ...FORMAT_OPTIONS,
  ...stringOptions('from', 'to', 'limit', 'cursor', 'out'),
  ...HELP_OPTION,
} as const;

/** The last line of the ledger and audit commands' usage. */
export const CHAIN_EXIT_CODES =
  'exit codes: 0 ok, 1 verification failed or refused, 2 usage error (unknown cell included), 3 unreachable';
export type SealCommand = (typeof SEAL_COMMANDS)[number];

/** The role a development token needs for each (a deployed cell checks the token it is given). */
export const SEAL_ROLES = {
  verify: 'him-reviewer',
  digest: 'integration-admin',
  bundle: 'him-reviewer',
} as const;

/**
 * Runs `verify` (the cell's seal report; exit 1 when not ok), `digest` (seal now;
 * a refused seal is exit 1) or `bundle` (an export for offline verification into `--out DIR`).
 *
 * @throws UsageError, RefusedError, UnreachableError (mapped to exit codes by runCommand).
 */
export async function runSealCommand(
  command: SealCommand,
  chain: SealedChainName,
  target: HimTarget,
  v: { format?: string | undefined; json?: boolean | undefined; out?: string | undefined },
  io: CliIo,
): Promise<number> {
  if (command === 'bundle') {
    if (!v.out) throw new UsageError('bundle needs --out DIR (a new or empty folder)');
    const m = await writeBundle(target, chain, v.out, io, () => new Date());
    io.stderr.write(
      `bundle: ${m.counts.records} records and ${m.counts.digests} digests of cell ${m.cell} in ${v.out}\n`,
    );
    return EXIT_CODES.ok;
  }
  if (v.out) throw new UsageError('--out is for bundle (and export)');
  const format = formatOf(v, ['table', 'json'] as const);
  if (command === 'digest') {
    const summary = await himJson<SealSummary>(target, 'POST', `${chain}/digest`);
    io.stdout.write(format === 'json' ? jsonText(summary) : sealSummaryText(summary));
    return EXIT_CODES.ok;
  }
  const report = await himJson<SealReport>(target, 'GET', `${chain}/verify`);
  io.stdout.write(format === 'json' ? jsonText(report) : sealReportText(report));
  return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
}
