import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, runParsed } from './run.js';
import { columnsView, jsonText, writePage } from './table.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge deliveries list [--state parked|retrying|waiting|pending|delivered] [--limit 1-1000] [--cursor C]
       visitbridge deliveries replay SENDER/NOTE/VERSION [--event finalized|amended|retracted]
       visitbridge deliveries replay --from DATE|ISO --to DATE|ISO [--dry-run]   (parked in that range)
  list     every state (parked first) unless --state
  replay   a date-only --to includes that day
  ${TARGET_USAGE}
  output: --format table|json|csv (or --json, --csv)
exit codes: 0 ok, 1 refused (not parked, policy denies, role), 2 usage error (unknown cell included), 3 unreachable
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  state: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  event: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...FORMAT_OPTIONS,
  ...HELP_OPTION,
} as const;

interface Delivery {
  senderId: string;
  noteId: string;
  version: number;
  eventKind: string;
  state: string;
  ehrTarget: string;
  attempts: number;
  parkReason?: string;
  parkedAt?: string;
  receivedAt: string;
}

const VIEW = columnsView(
  ['RECEIVED', 'SENDER', 'NOTE', 'V', 'EVENT', 'STATE', 'TARGET', 'ATTEMPTS', 'PARK REASON', 'PARKED'],
  (d: Delivery) => [
    d.receivedAt,
    d.senderId,
    d.noteId,
    String(d.version),
    d.eventKind,
    d.state,
    d.ehrTarget,
    String(d.attempts),
    d.parkReason,
    d.parkedAt,
  ],
);

/**
 * `visitbridge deliveries list|replay`: a cell's deliveries through its HIM API.
 *
 * @returns 0 ok, 1 refused, 2 usage error, 3 unreachable.
 */
export async function deliveriesCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ref, ...rest] = positionals;
    const format = formatOf(v, ['table', 'json', 'csv'] as const);
    if (command === 'list' && !ref && rest.length === 0) {
      const target = await resolveTarget(v, env, ['him-reviewer']);
      const page = await himJson<{ items: Delivery[]; nextCursor?: string }>(
        target,
        'GET',
        `deliveries${queryString({ state: v.state, limit: v.limit, cursor: v.cursor })}`,
      );
      writePage(io, format, page, page.items, VIEW, 'deliveries');
      return EXIT_CODES.ok;
    }
    if (command !== 'replay' || rest.length > 0)
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    const target = await resolveTarget(v, env, ['integration-admin']);
    let result: unknown;
    if (ref) {
      const parts = ref.split('/');
      if (parts.length !== 3 || parts.some((p) => !p))
        throw new UsageError('name the delivery as SENDER/NOTE/VERSION');
      const path = parts.map(encodeURIComponent).join('/');
      result = await himJson(target, 'POST', `deliveries/${path}/replay`, v.event ? { event: v.event } : {});
    } else {
      if (!v.from || !v.to) throw new UsageError('replay needs SENDER/NOTE/VERSION or --from and --to');
      result = await himJson(target, 'POST', 'deliveries/replay', {
        from: v.from,
        to: v.to,
        dryRun: v['dry-run'] === true,
      });
    }
    io.stdout.write(format === 'json' ? jsonText(result) : `${replayText(result)}\n`);
    return EXIT_CODES.ok;
  });
}

function replayText(result: unknown): string {
  const r = result as { requeued?: boolean | number; denied?: number; expired?: number; count?: number };
  if (typeof r.count === 'number') return `dry run: ${r.count} parked deliveries would be replayed`;
  if (r.requeued === true) return 'requeued';
  const expired = r.expired ? `, removed under the retention schedule ${r.expired}` : '';
  return `requeued ${r.requeued ?? 0}, denied by the residency policy ${r.denied ?? 0}${expired}`;
}
