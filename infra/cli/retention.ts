import type { RetentionReport } from '../../shared/domain/retention/run.js';
import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, runParsed, stringOptions } from './run.js';
import { jsonText, textTable } from './table.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge retention runs [--from DATE|ISO] [--to DATE|ISO] [--limit N]
       visitbridge retention run                                         (privacy officer)
  runs     the last retention reports, newest first: per record class, what was deleted,
           kept under a legal hold, or kept on purpose (ledger, audit log); no patient data
  run      starts a run now; its report joins \`retention runs\` when it ends
  ${TARGET_USAGE}
  output: --format table|json (or --json)
exit codes: 0 ok, 1 refused (role), 2 usage error, 3 unreachable
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  ...FORMAT_OPTIONS,
  ...stringOptions('from', 'to', 'limit'),
  ...HELP_OPTION,
} as const;

/** One row per run and record class; a class the run does not count shows no numbers. */
const rowsOf = (runs: readonly RetentionReport[]): string[][] =>
  runs.flatMap((run) => {
    const uncounted = new Set<string>(run.uncounted);
    return Object.entries(run.classes).map(([recordClass, c]) =>
      uncounted.has(recordClass)
        ? [run.at, run.trigger, recordClass, '-', '-', 'not counted']
        : [run.at, run.trigger, recordClass, String(c.deleted), String(c.held), String(c.eligibleNotDeleted)],
    );
  });

/**
 * `visitbridge retention …`: a cell's retention reports, and a run on request, through its HIM API.
 *
 * @returns 0 ok, 1 refused, 2 usage error, 3 unreachable.
 */
export async function retentionCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ...extra] = positionals;
    const format = formatOf(v, ['table', 'json'] as const);
    if (extra.length > 0) throw new UsageError('too many arguments');
    if (command === 'runs') {
      const target = await resolveTarget(v, env, ['him-reviewer']);
      const query = queryString({ from: v.from, to: v.to, limit: v.limit });
      const { runs } = await himJson<{ runs: RetentionReport[] }>(target, 'GET', `retention/runs${query}`);
      io.stdout.write(
        format === 'json'
          ? jsonText({ runs })
          : `${textTable(['AT', 'TRIGGER', 'CLASS', 'DELETED', 'HELD', 'KEPT'], rowsOf(runs))}\n`,
      );
      return EXIT_CODES.ok;
    }
    if (command === 'run') {
      const target = await resolveTarget(v, env, ['privacy-officer']);
      const started = await himJson<{ requestedBy: string; requestedAt: string }>(
        target,
        'POST',
        'retention/run',
      );
      io.stdout.write(
        format === 'json'
          ? jsonText(started)
          : `retention run requested by ${started.requestedBy} at ${started.requestedAt}; see: visitbridge retention runs\n`,
      );
      return EXIT_CODES.ok;
    }
    throw new UsageError(`unknown command ${command ?? '(none)'}`);
  });
}
