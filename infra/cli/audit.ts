import { parseArgs } from 'node:util';
import type { VerifyReport } from '../../functions/him-api/use-cases/verify-report.js';
import type { AuditEntry } from '../../shared/domain/audit/entry.js';
import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { formatOf, runCommand } from './run.js';
import { columnsView, writePage } from './table.js';
import { resolveTarget, TARGET_OPTIONS } from './target.js';
import { verifyReportText } from './verify-text.js';

const USAGE = `usage: visitbridge audit verify|list [--from ISO --to ISO --limit N --cursor C]
  verify   check the HIM audit chain of the cell; exit 1 when it was tampered with
  list     one page of audit entries; a table, --json or --csv
  cell: --cell ID (local stack; a dev token is minted unless --token) or --url CELL-BASE-URL --token JWT
exit codes: 0 ok, 1 verification failed or refused, 2 usage error, 3 unreachable
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const VIEW = columnsView(
  ['SEQ', 'AT', 'ACTOR', 'ROLE', 'ACTION', 'TARGET', 'SOURCE IP', 'OUTCOME'],
  (e: AuditEntry) => [String(e.seq), e.at, e.actor, e.role, e.action, e.target, e.sourceIp, e.outcome],
);

/**
 * `visitbridge audit verify|list`: a cell's HIM audit log through its HIM API.
 *
 * @returns 0 ok, 1 tampered or refused, 2 usage error, 3 unreachable.
 */
export async function auditCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    if (v.help) {
      io.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    const [command, ...rest] = positionals;
    if (rest.length > 0 || (command !== 'verify' && command !== 'list'))
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    const format = formatOf(v);
    const target = await resolveTarget(v, env, ['him-reviewer']);
    if (command === 'verify') {
      const report = await himJson<VerifyReport>(target, 'GET', 'audit/verify');
      io.stdout.write(
        format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : verifyReportText('audit log', report),
      );
      return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    }
    const page = await himJson<{ entries: AuditEntry[]; nextCursor?: string }>(
      target,
      'GET',
      `audit${queryString({ from: v.from, to: v.to, limit: v.limit, cursor: v.cursor })}`,
    );
    writePage(io, format, page, page.entries, VIEW, 'entries');
    return EXIT_CODES.ok;
  });
}
