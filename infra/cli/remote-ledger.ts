import { parseArgs } from 'node:util';
import type { VerifyReport } from '../../functions/him-api/use-cases/verify-report.js';
import type { LedgerEntry } from '../../shared/domain/ledger/entry.js';
import { csvHeader, csvRow, ndjsonLine, toCsv } from '../../shared/domain/ledger/export.js';
import { entryTable } from '../../shared/domain/ledger/text.js';
import { EXIT_CODES, type HimTarget, himJson, queryString, UsageError } from './http.js';
import { LEDGER_FILTER_OPTIONS, writeExport } from './ledger-export.js';
import type { CliIo } from './policy.js';
import { formatOf, runCommand } from './run.js';
import { writePage } from './table.js';
import { TARGET_OPTIONS } from './target.js';
import { verifyReportText } from './verify-text.js';

const USAGE = `usage: visitbridge ledger list|export|verify|digest --url CELL-BASE-URL [--token JWT] [options]
  (a deployed cell over its HIM API; without --url the command reads the local stack directly)
  list     one page (--limit 1-200, --cursor C); table, --json or --csv
  export   every matching entry as NDJSON (default) or --csv, to stdout or --out FILE; progress on stderr
  verify   server-side check of every chain and the signed digest; exit 1 when it fails
  digest   sign a digest of every shard head now (integration-admin)
filters: --from ISO --to ISO --kind K --decision allowed|denied --corridor uk:us --note ID
         --patient SYSTEM|VALUE (a real identifier: the cell turns it into its pseudonymous ref)
token: --token or VISITBRIDGE_TOKEN
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  ...LEDGER_FILTER_OPTIONS,
  limit: { type: 'string' },
  cursor: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });

const filters = (v: Values) => ({
  from: v.from,
  to: v.to,
  kind: v.kind,
  decision: v.decision,
  corridor: v.corridor,
  noteId: v.note,
  patient: v.patient,
});

type Page = { entries: LedgerEntry[]; nextCursor?: string };
const LEDGER_VIEW = { csv: toCsv, table: entryTable };

async function exportAll(target: HimTarget, v: Values, io: CliIo): Promise<number> {
  const csv = formatOf(v) === 'csv';
  await writeExport(io, v.out, async (write) => {
    let count = 0;
    let cursor: string | undefined;
    if (csv) await write(csvHeader());
    do {
      const page = await himJson<Page>(
        target,
        'GET',
        `ledger${queryString({ ...filters(v), limit: 200, cursor })}`,
      );
      for (const entry of page.entries) await write(csv ? csvRow(entry) : ndjsonLine(entry));
      count += page.entries.length;
      cursor = page.nextCursor;
      if (cursor) io.stderr.write(`exported ${count} entries…\n`);
    } while (cursor);
    return count;
  });
  return EXIT_CODES.ok;
}

/**
 * `visitbridge ledger … --url`: the transfers ledger of a deployed cell through its HIM API.
 *
 * @returns 0 ok, 1 verification failed or request refused, 2 usage error, 3 cell unreachable.
 */
export async function remoteLedgerCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values: v, positionals } = parse(argv);
    if (v.help) {
      io.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    const [command, ...rest] = positionals;
    if (rest.length > 0 || !['list', 'export', 'verify', 'digest'].includes(command ?? ''))
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    const token = v.token ?? env.VISITBRIDGE_TOKEN;
    if (!v.url || !token) throw new UsageError('--url needs --token or VISITBRIDGE_TOKEN');
    const target = { baseUrl: v.url, token };
    if (command === 'export') return exportAll(target, v, io);
    if (command === 'list') {
      const page = await himJson<Page>(
        target,
        'GET',
        `ledger${queryString({ ...filters(v), limit: v.limit, cursor: v.cursor })}`,
      );
      writePage(io, formatOf(v), page, page.entries, LEDGER_VIEW, 'entries');
      return EXIT_CODES.ok;
    }
    if (command === 'digest') {
      const digest = await himJson<{ at: string; heads: Array<{ shard: number; seq: number }> }>(
        target,
        'POST',
        'ledger/digest',
      );
      io.stdout.write(
        v.json
          ? `${JSON.stringify(digest, null, 2)}\n`
          : `digest ${digest.at}: ${digest.heads.map((h) => `shard ${h.shard} seq ${h.seq}`).join(', ')}\n`,
      );
      return EXIT_CODES.ok;
    }
    const report = await himJson<VerifyReport>(target, 'GET', 'ledger/verify');
    io.stdout.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : verifyReportText('ledger', report));
    return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
  });
}
