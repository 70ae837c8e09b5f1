import { parseArgs } from 'node:util';
import type { LedgerEntry } from '../../shared/domain/ledger/entry.js';
import { csvHeader, csvRow, ndjsonLine } from '../../shared/domain/ledger/export.js';
import { escapeControlJson } from '../../shared/domain/text/escape-control.js';
import { EXIT_CODES, type HimTarget, himJson, queryString, UsageError } from './http.js';
import { writeExport } from './ledger-export.js';
import { LEDGER_VIEW } from './ledger-view.js';
import type { CliIo } from './policy.js';
import { formatOf, runParsed, stringOptions } from './run.js';
import {
  CHAIN_EXIT_CODES,
  CHAIN_OPTIONS,
  runSealCommand,
  SEAL_COMMANDS,
  SEAL_ROLES,
  type SealCommand,
} from './seal.js';
import { writePage } from './table.js';
import { resolveTarget, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge ledger list|export|verify|digest|bundle (--cell ID | --url CELL-BASE-URL --token JWT) [options]
  list     one page of entries (--limit 1-1000, --cursor C); --format table|json|ndjson|csv
  export   every matching entry, --out FILE (or --out - for stdout); --format ndjson|csv; progress on stderr
  verify   the cell checks the ledger against its signed digest chain; --format table|json; exit 1 when not ok
  digest   seal the ledger now with a signed digest (integration-admin); exit 1 when the cell refuses
  bundle   everything an outside auditor needs to verify offline, --out DIR (see verify-bundle)
filters (list, export): --from DATE|ISO --to DATE|ISO (a date-only --to includes that day)
         --kind inbound|forward|egress|remote-access --decision allowed|denied --corridor uk:us
         --note NOTE-ID --patient SYSTEM|VALUE (a real identifier: the cell turns it into its pseudonymous ref)
${TARGET_USAGE}
${CHAIN_EXIT_CODES}
`;

const OPTIONS = { ...CHAIN_OPTIONS, ...stringOptions('kind', 'decision', 'corridor', 'note', 'patient') };

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
type Page = { entries: LedgerEntry[]; nextCursor?: string };

const COMMANDS = ['list', 'export', ...SEAL_COMMANDS] as const;
type Command = (typeof COMMANDS)[number];

/** The API's ledger query for the filter flags; the cell validates every value and names what is wrong. */
const filters = (v: Values) => ({
  from: v.from,
  to: v.to,
  kind: v.kind,
  decision: v.decision,
  corridor: v.corridor,
  noteId: v.note,
  patient: v.patient,
});

async function list(target: HimTarget, v: Values, io: CliIo): Promise<number> {
  if (v.out) throw new UsageError('--out is for export and bundle');
  const format = formatOf(v, ['table', 'json', 'ndjson', 'csv'] as const);
  const page = await himJson<Page>(
    target,
    'GET',
    `ledger${queryString({ ...filters(v), limit: v.limit, cursor: v.cursor })}`,
  );
  writePage(io, format, page, page.entries, LEDGER_VIEW, 'entries');
  return EXIT_CODES.ok;
}

async function exportAll(target: HimTarget, v: Values, io: CliIo): Promise<number> {
  const csv = formatOf(v, ['ndjson', 'csv'] as const) === 'csv';
  if (v.limit || v.cursor) throw new UsageError('export reads every page: --limit and --cursor are for list');
  await writeExport(io, v.out, async (write) => {
    let count = 0;
    let cursor: string | undefined;
    if (csv) await write(csvHeader());
    do {
      const page = await himJson<Page>(
        target,
        'GET',
        `ledger${queryString({ ...filters(v), limit: 1000, cursor })}`,
      );
      for (const entry of page.entries)
        await write(csv ? csvRow(entry) : escapeControlJson(ndjsonLine(entry)));
      count += page.entries.length;
      cursor = page.nextCursor;
      if (cursor) io.stderr.write(`exported ${count} entries…\n`);
    } while (cursor);
    return count;
  });
  return EXIT_CODES.ok;
}

/**
 * `visitbridge ledger …`: a cell's transfers ledger through its HIM API, the local
 * stack's (`--cell`, with a development token) or a deployed cell's (`--url`, `--token`).
 *
 * @returns 0 ok, 1 verification failed or refused, 2 usage error, 3 cell unreachable.
 */
export async function ledgerCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ...rest] = positionals;
    if (rest.length > 0 || !(COMMANDS as readonly string[]).includes(command ?? ''))
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    const c = command as Command;
    const seal = c !== 'list' && c !== 'export';
    if (
      seal &&
      [v.from, v.to, v.kind, v.decision, v.corridor, v.note, v.patient, v.limit, v.cursor].some(Boolean)
    )
      throw new UsageError(`filters, --limit and --cursor are for list and export, not ${c}`);
    const target = await resolveTarget(v, env, [seal ? SEAL_ROLES[c as SealCommand] : 'him-reviewer']);
    if (c === 'list') return list(target, v, io);
    if (c === 'export') return exportAll(target, v, io);
    return runSealCommand(c as SealCommand, 'ledger', target, v, io);
  });
}
