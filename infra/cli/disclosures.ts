import { PURPOSES_OF_USE } from '../../functions/him-api/use-cases/notes.js';
import { writeNew } from './files.js';
import { EXIT_CODES, himFetch, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, patientOption, runParsed, stringOptions } from './run.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge disclosures (--cell ID | --url CELL-BASE-URL --token JWT) --patient SYSTEM|VALUE
         --from DATE|ISO --to DATE|ISO --purpose PURPOSE [--format json|csv|pdf] --out FILE|-
  Disclosure accounting and subject access for one patient identifier: every movement of
  their notes and every PHI access in [from, to) (a to date counts whole), as the cell's HIM
  API reports it (privacy-officer). The identifier travels in the request body and the cell
  keeps only its keyed reference. --out - writes JSON or CSV to stdout.
  purposes: ${PURPOSES_OF_USE.join(', ')}
${TARGET_USAGE}
exit codes: 0 written, 1 refused, 2 usage error (or the cell refused a value), 3 unreachable
`;

const OPTIONS = {
  ...HELP_OPTION,
  ...TARGET_OPTIONS,
  format: FORMAT_OPTIONS.format,
  ...stringOptions('patient', 'from', 'to', 'purpose', 'out'),
};

/**
 * `visitbridge disclosures`: a patient's disclosure report from a cell, read through its HIM API.
 *
 * @returns 0 written, 1 refused, 2 usage error, 3 unreachable.
 */
export async function disclosuresCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
    const patient = patientOption(v.patient, 'give the patient identifier: --patient SYSTEM|VALUE');
    if (!v.out) throw new UsageError('name where the report goes: --out FILE, or --out - for stdout');
    const format = formatOf(v, ['json', 'csv', 'pdf'] as const);
    if (format === 'pdf' && v.out === '-') throw new UsageError('a PDF goes to a file: --out FILE');
    const target = await resolveTarget(v, env, ['privacy-officer']);
    const res = await himFetch(target, 'POST', 'disclosures', {
      patient,
      from: v.from,
      to: v.to,
      purpose: v.purpose,
      format,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (v.out === '-') io.stdout.write(new TextDecoder().decode(bytes));
    else {
      await writeNew(v.out, bytes);
      io.stderr.write(`wrote the ${format} report to ${v.out}\n`);
    }
    return EXIT_CODES.ok;
  });
}
