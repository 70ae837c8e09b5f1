import type { LegalHold } from '../../shared/ports/legal-holds.js';
import { EXIT_CODES, himJson, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, patientOption, runParsed, stringOptions } from './run.js';
import { columnsView, jsonText, writePage } from './table.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge holds place --patient SYSTEM|VALUE --reason TEXT        (privacy officer)
       visitbridge holds place --organization ID --reason TEXT
       visitbridge holds release HOLD-ID
       visitbridge holds list [--state active|released]
  place    nothing the hold covers is deleted by retention or erased until it is released;
           the identifier is pseudonymised by the cell and never stored; the reason is a
           matter or case reference (no PHI, at most 200 characters)
  ${TARGET_USAGE}
  output: --format table|json (or --json)
exit codes: 0 ok, 1 refused (unknown patient or organization, released before, role), 2 usage error, 3 unreachable
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  ...FORMAT_OPTIONS,
  ...stringOptions('patient', 'organization', 'reason', 'state'),
  ...HELP_OPTION,
} as const;

const HOLDS_VIEW = columnsView(
  ['HOLD', 'SCOPE', 'SUBJECT', 'REASON', 'PLACED', 'BY', 'RELEASED', 'BY'],
  (h: LegalHold) => [
    h.holdId,
    h.scope,
    h.subject,
    h.reason,
    h.placedAt,
    h.placedBy,
    h.releasedAt,
    h.releasedBy,
  ],
);

/** `--patient SYSTEM|VALUE` or `--organization ID`: exactly one, as the HIM API's body. */
function subjectOf(v: { patient?: string; organization?: string }): Record<string, unknown> {
  if (v.patient && v.organization) throw new UsageError('give --patient or --organization, not both');
  if (v.organization) return { scope: 'organization', organization: v.organization };
  return {
    scope: 'patient',
    patient: patientOption(v.patient, 'place needs --patient SYSTEM|VALUE or --organization ID'),
  };
}

/**
 * `visitbridge holds …`: legal holds of a cell through its HIM API (privacy officers).
 *
 * @returns 0 ok, 1 refused, 2 usage error, 3 unreachable.
 */
export async function holdsCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, ...args] = positionals;
    const format = formatOf(v, ['table', 'json'] as const);
    const show = (hold: LegalHold) =>
      io.stdout.write(format === 'json' ? jsonText(hold) : HOLDS_VIEW.table([hold]));
    const target = () => resolveTarget(v, env, ['privacy-officer']);
    if (command === 'place' && args.length === 0) {
      if (!v.reason) throw new UsageError('place needs --reason TEXT (a matter or case reference)');
      const body = { ...subjectOf(v), reason: v.reason };
      show(await himJson<LegalHold>(await target(), 'POST', 'holds', body));
      return EXIT_CODES.ok;
    }
    if (command === 'release' && args.length === 1) {
      show(
        await himJson<LegalHold>(
          await target(),
          'POST',
          `holds/${encodeURIComponent(args[0] ?? '')}/release`,
        ),
      );
      return EXIT_CODES.ok;
    }
    if (command === 'list' && args.length === 0) {
      const page = await himJson<{ holds: LegalHold[] }>(
        await target(),
        'GET',
        `holds${queryString({ state: v.state })}`,
      );
      writePage(io, format, {}, page.holds, HOLDS_VIEW, 'holds');
      return EXIT_CODES.ok;
    }
    throw new UsageError(`unknown command ${command ?? '(none)'} or wrong arguments`);
  });
}
