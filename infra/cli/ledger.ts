import { parseArgs } from 'node:util';
import { isAppError } from '../../shared/domain/errors.js';
import { createDigest } from '../../shared/domain/ledger/digest.js';
import type { LedgerEntry } from '../../shared/domain/ledger/entry.js';
import { csvHeader, csvRow, ndjsonLine, toCsv, toNdjson } from '../../shared/domain/ledger/export.js';
import { entryTable, verificationReport } from '../../shared/domain/ledger/text.js';
import { verifyLedger } from '../../shared/domain/ledger/verify-ledger.js';
import type { DigestSigner } from '../../shared/ports/digest-signer.js';
import type { LedgerFilter, LedgerStore } from '../../shared/ports/ledger.js';
import { LEDGER_FILTER_OPTIONS, writeExport } from './ledger-export.js';
import type { CliIo } from './policy.js';

/** What the ledger command needs from the running stack; the bin finds the local one. */
export interface LedgerCliDeps {
  storeForCell(cellId: string): Promise<LedgerStore>;
  signerForCell(cellId: string): Promise<DigestSigner>;
  now?: () => Date;
}

/** Exit codes: 0 ok, 1 verification failed, 2 usage error, 3 the ledger could not be read or written. */
export const EXIT = { ok: 0, tampered: 1, usage: 2, unavailable: 3 } as const;

const USAGE = `usage: visitbridge ledger list|export|verify|digest --cell ID [options]
  list     one page of entries (--limit N, --cursor C, --order asc|desc); --format table|json|ndjson|csv
  export   every matching entry; --format ndjson|csv|json, --out FILE (progress on stderr)
  verify   check every shard chain, its head and the latest signed digest; --format table|json
  digest   sign and store a digest pinning every shard head now
filters: --from ISO --to ISO --kind inbound|forward|egress|remote-access --decision allowed|denied
         --corridor uk:us --note NOTE-ID --patient PATIENT-REF
exit codes: 0 ok, 1 verification failed, 2 usage error, 3 ledger unavailable
`;

const OPTIONS = {
  cell: { type: 'string' },
  ...LEDGER_FILTER_OPTIONS,
  format: { type: 'string' },
  out: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  order: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });

class UsageError extends Error {}

const FORMATS = {
  list: ['table', 'json', 'ndjson', 'csv'],
  export: ['ndjson', 'csv', 'json'],
  verify: ['table', 'json'],
  digest: ['table', 'json'],
} as const;
type Command = keyof typeof FORMATS;

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO date-time`);
  return d;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function filterOf(v: Values): LedgerFilter {
  const filter: LedgerFilter = {};
  const from = date(v.from, 'from');
  const to = date(v.to, 'to');
  if (from) filter.from = from;
  if (to) filter.to = to;
  const kind = oneOf(v.kind, ['inbound', 'forward', 'egress', 'remote-access'] as const, 'kind');
  if (kind) filter.kind = kind;
  const decision = oneOf(v.decision, ['allowed', 'denied'] as const, 'decision');
  if (decision) filter.decision = decision;
  if (v.corridor !== undefined) {
    const [a, b, ...rest] = v.corridor.split(':');
    if (!a || !b || rest.length > 0)
      throw new UsageError('--corridor must be FROM:TO jurisdiction ids, e.g. uk:us');
    filter.corridor = { from: a, to: b };
  }
  if (v.note) filter.noteId = v.note;
  if (v.patient) filter.patientRef = v.patient;
  return filter;
}

function render(entries: readonly LedgerEntry[], format: string): string {
  if (format === 'json') return `${JSON.stringify(entries, null, 2)}\n`;
  if (format === 'ndjson') return toNdjson(entries);
  if (format === 'csv') return toCsv(entries);
  return entryTable(entries);
}

async function list(store: LedgerStore, v: Values, format: string, io: CliIo): Promise<number> {
  const limit = v.limit === undefined ? 50 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1-1000');
  const order = oneOf(v.order, ['asc', 'desc'] as const, 'order') ?? 'asc';
  const page = await store.query(filterOf(v), { limit, order, ...(v.cursor ? { cursor: v.cursor } : {}) });
  io.stdout.write(render(page.entries, format));
  if (page.nextCursor) io.stderr.write(`more entries: add --cursor ${page.nextCursor}\n`);
  return EXIT.ok;
}

async function exportEntries(store: LedgerStore, v: Values, format: string, io: CliIo): Promise<number> {
  const filter = filterOf(v);
  await writeExport(io, v.out, async (write) => {
    let count = 0;
    await write(format === 'csv' ? csvHeader() : format === 'json' ? '[' : '');
    for await (const entry of store.entries(filter)) {
      if (format === 'csv') await write(csvRow(entry));
      else if (format === 'json') await write(`${count > 0 ? ',' : ''}\n${JSON.stringify(entry)}`);
      else await write(ndjsonLine(entry));
      count += 1;
      if (count % 1000 === 0) io.stderr.write(`exported ${count} entries…\n`);
    }
    if (format === 'json') await write('\n]\n');
    return count;
  });
  return EXIT.ok;
}

async function run(command: Command, v: Values, io: CliIo, deps: LedgerCliDeps): Promise<number> {
  const cell = v.cell;
  if (!cell) throw new UsageError('--cell is required');
  const format = oneOf(v.format, FORMATS[command], 'format') ?? FORMATS[command][0];
  if (command !== 'export' && v.out) throw new UsageError('--out is only for export');
  const store = await deps.storeForCell(cell);
  if (command === 'list') return list(store, v, format, io);
  if (command === 'export') return exportEntries(store, v, format, io);
  const signer = await deps.signerForCell(cell);
  if (command === 'digest') {
    const digest = await createDigest(store, signer, (deps.now ?? (() => new Date()))());
    io.stdout.write(
      format === 'json'
        ? `${JSON.stringify(digest, null, 2)}\n`
        : `digest ${digest.at} of cell ${digest.cell} signed by ${digest.keyId}: ${digest.shards.map((s) => `shard ${s.shard} seq ${s.seq}`).join(', ')}\n`,
    );
    return EXIT.ok;
  }
  const result = await verifyLedger(store, signer);
  io.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : verificationReport(result));
  return result.ok ? EXIT.ok : EXIT.tampered;
}

/**
 * `visitbridge ledger …`: list, export, verify or digest one cell's transfers ledger.
 *
 * @returns the exit code: 0 ok, 1 verification failed, 2 usage error, 3 ledger unavailable.
 */
export async function ledgerCommand(argv: string[], io: CliIo, deps: LedgerCliDeps): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    if (!command || !(command in FORMATS) || rest.length > 0)
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    return await run(command as Command, values, io, deps);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n${USAGE}`);
      return EXIT.usage;
    }
    const detail = isAppError(error) ? error.detail : (error as Error).message;
    io.stderr.write(`ledger ${argv[0] ?? ''} failed: ${detail}\n`);
    return EXIT.unavailable;
  }
}
