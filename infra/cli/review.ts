import { QueueQuery } from '../../functions/him-api/use-cases/reviews.js';
import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, runParsed, stringOptions } from './run.js';
import { columnsView, jsonText, textTable, writePage } from './table.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge review queue [--state unreviewed|reviewed|flagged|escalated|resolved] [filters]
       visitbridge review mark REF [REF…] --state reviewed|flagged|escalated [--comment TEXT]
       visitbridge review resolve REF --comment TEXT          (privacy officer)
       visitbridge review history REF
  REF      a ledger entry's position SHARD:SEQ, as the queue and \`ledger list\` show it
  queue    movements with their review state, oldest first, and counts by corridor and state;
           filters: --corridor uk:us --kind egress --mechanism adequacy --from DATE|ISO --to DATE|ISO --limit N
  mark     a flag needs --comment (the reason); comments carry no PHI (ids and reasons only)
  ${TARGET_USAGE}
  output: --format table|json (or --json)
exit codes: 0 ok, 1 refused (review conflict, role), 2 usage error (unknown cell or entry included), 3 unreachable
`;

/** The queue's options: the HIM API's review queue parameters, each passed on under its name. */
const QUEUE_KEYS = Object.keys(QueueQuery.shape) as Array<keyof typeof QueueQuery.shape>;

const OPTIONS = {
  ...TARGET_OPTIONS,
  ...FORMAT_OPTIONS,
  ...stringOptions(...QUEUE_KEYS, 'comment'),
  ...HELP_OPTION,
} as const;

interface Status {
  ref: string;
  state: string;
  version: number;
  at?: string;
  by?: string;
}
interface ReviewedEntry {
  at: string;
  kind: string;
  decision: string;
  source: { cell: string; country: string };
  destination: { cell: string; country: string };
  mechanism: { type: string } | null;
  noteId: string;
  review: Status;
}
interface Queue {
  entries: ReviewedEntry[];
  counts: Array<{ corridor: string } & Record<string, number>>;
  scanned: number;
  truncated: boolean;
}
interface History {
  entry: ReviewedEntry;
  events: Array<{ from: string; to: string; at: string; by: string; role: string; comment?: string }>;
}

const QUEUE_VIEW = columnsView(
  ['REF', 'AT', 'KIND', 'DECISION', 'CORRIDOR', 'MECHANISM', 'NOTE', 'REVIEW', 'BY'],
  (e: ReviewedEntry) => [
    e.review.ref,
    e.at,
    e.kind,
    e.decision,
    `${e.source.cell}:${e.destination.cell}`,
    e.mechanism?.type,
    e.noteId,
    e.review.state,
    e.review.by,
  ],
);
const STATES = ['unreviewed', 'reviewed', 'flagged', 'escalated', 'resolved'];

/**
 * `visitbridge review …`: HIM review of a cell's cross-border movements through its HIM API.
 *
 * @returns 0 ok, 1 refused, 2 usage error, 3 unreachable.
 */
export async function reviewCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ...refs] = positionals;
    const format = formatOf(v, ['table', 'json'] as const);
    const json = (value: unknown) => io.stdout.write(jsonText(value));
    if (command === 'queue' && refs.length === 0) {
      const target = await resolveTarget(v, env, ['him-reviewer']);
      const queue = await himJson<Queue>(
        target,
        'GET',
        `reviews/queue${queryString(Object.fromEntries(QUEUE_KEYS.map((k) => [k, v[k]])))}`,
      );
      if (format === 'json') json(queue);
      else {
        const counts = queue.counts.map((c) => [c.corridor, ...STATES.map((s) => String(c[s] ?? 0))]);
        io.stdout.write(`${textTable(['CORRIDOR', ...STATES.map((s) => s.toUpperCase())], counts)}\n\n`);
        writePage(io, 'table', {}, queue.entries, QUEUE_VIEW, 'movements');
        if (queue.truncated)
          io.stdout.write(`looked through the first ${queue.scanned} entries: narrow --from/--to\n`);
      }
      return EXIT_CODES.ok;
    }
    if (command === 'mark' && refs.length > 0) {
      if (!v.state) throw new UsageError('mark needs --state reviewed|flagged|escalated');
      const target = await resolveTarget(v, env, ['him-reviewer']);
      const result = await himJson<{ reviews: Status[] }>(target, 'POST', 'reviews', {
        refs,
        state: v.state,
        ...(v.comment ? { comment: v.comment } : {}),
      });
      if (format === 'json') json(result);
      else for (const r of result.reviews) io.stdout.write(`${r.ref} ${r.state} (review ${r.version})\n`);
      return EXIT_CODES.ok;
    }
    const [ref, ...extra] = refs;
    if (!ref || extra.length > 0)
      throw new UsageError(`unknown command ${command ?? '(none)'} or wrong number of REFs`);
    if (command === 'resolve') {
      if (!v.comment) throw new UsageError('resolve needs --comment: how the flag was resolved');
      const target = await resolveTarget(v, env, ['privacy-officer']);
      const status = await himJson<Status>(target, 'POST', `reviews/${encodeURIComponent(ref)}/resolve`, {
        comment: v.comment,
      });
      if (format === 'json') json(status);
      else io.stdout.write(`${status.ref} ${status.state} (review ${status.version})\n`);
      return EXIT_CODES.ok;
    }
    if (command === 'history') {
      const target = await resolveTarget(v, env, ['him-reviewer']);
      const history = await himJson<History>(target, 'GET', `reviews/${encodeURIComponent(ref)}`);
      if (format === 'json') json(history);
      else {
        const rows = history.events.map((e) => [
          e.at,
          `${e.from} -> ${e.to}`,
          e.by,
          e.role,
          e.comment ?? '-',
        ]);
        io.stdout.write(
          `${ref}: ${history.entry.review.state}\n${textTable(['AT', 'CHANGE', 'BY', 'ROLE', 'COMMENT'], rows)}\n`,
        );
      }
      return EXIT_CODES.ok;
    }
    throw new UsageError(`unknown command ${command ?? '(none)'}`);
  });
}
