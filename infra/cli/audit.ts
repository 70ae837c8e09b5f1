import { AuditQuery } from '../../functions/him-api/use-cases/audit.js';
import type { AuditEntry } from '../../shared/domain/audit/entry.js';
import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
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
import { columnsView, writePage } from './table.js';
import { resolveTarget, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge audit list|verify|digest|bundle (--cell ID | --url CELL-BASE-URL --token JWT) [options]
  list     one page of audit entries (--from DATE|ISO --to DATE|ISO --limit 1-1000 --cursor C);
           --format table|json|ndjson|csv
filters (list): --actor him:USER --role ROLE --action notes.view --target note:SENDER/NOTE (a prefix)
         --purpose treatment|payment|operations|legal|patient-request|public-health|audit --outcome ok|CODE
         --action-id UUID (every entry of one HIM action)
  verify   the cell checks the audit log against its signed digest chain; --format table|json; exit 1 when not ok
  digest   seal the audit log now with a signed digest (integration-admin); exit 1 when the cell refuses
  bundle   everything an outside auditor needs to verify offline, --out DIR (see verify-bundle)
${TARGET_USAGE}
${CHAIN_EXIT_CODES}
`;

const OPTIONS = {
  ...CHAIN_OPTIONS,
  ...stringOptions('actor', 'role', 'action', 'target', 'purpose', 'outcome', 'action-id'),
};

type ListKey = keyof typeof AuditQuery.shape;

/** The options of `list` only: the HIM API's audit query parameters, each passed on under its name. */
const LIST_KEYS = Object.keys(AuditQuery.shape) as ListKey[];

/** The command-line option of a query parameter: `actionId` is `--action-id`. */
const optionOf = (key: ListKey): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const listValue = (v: object, key: ListKey) => (v as Record<string, string | undefined>)[optionOf(key)];

const VIEW = columnsView(
  ['SEQ', 'AT', 'ACTION ID', 'ACTOR', 'ROLE', 'ACTION', 'TARGET', 'PURPOSE', 'SOURCE IP', 'OUTCOME'],
  (e: AuditEntry) => [
    `${e.shard}:${e.seq}`,
    e.at,
    e.actionId ?? '-',
    e.actor,
    e.role,
    e.action,
    e.target,
    e.purpose ?? '-',
    e.sourceIp,
    e.outcome,
  ],
);

/**
 * `visitbridge audit …`: a cell's HIM audit log through its HIM API.
 *
 * @returns 0 ok, 1 verification failed or refused, 2 usage error, 3 unreachable.
 */
export async function auditCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ...rest] = positionals;
    const seal = (SEAL_COMMANDS as readonly string[]).includes(command ?? '');
    if (rest.length > 0 || (command !== 'list' && !seal))
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    if (seal) {
      if (LIST_KEYS.some((k) => listValue(v, k) !== undefined))
        throw new UsageError(`--${LIST_KEYS.map(optionOf).join(', --')} are for list, not ${command}`);
      const target = await resolveTarget(v, env, [SEAL_ROLES[command as SealCommand]]);
      return runSealCommand(command as SealCommand, 'audit', target, v, io);
    }
    if (v.out) throw new UsageError('--out is for bundle');
    const format = formatOf(v, ['table', 'json', 'ndjson', 'csv'] as const);
    const target = await resolveTarget(v, env, ['him-reviewer']);
    const page = await himJson<{ entries: AuditEntry[]; nextCursor?: string }>(
      target,
      'GET',
      `audit${queryString(Object.fromEntries(LIST_KEYS.map((k) => [k, listValue(v, k)])))}`,
    );
    writePage(io, format, page, page.entries, VIEW, 'entries');
    return EXIT_CODES.ok;
  });
}
