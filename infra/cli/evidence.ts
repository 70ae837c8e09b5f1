import { join } from 'node:path';
import { unzipFiles } from '../../shared/adapters/zip/unzip.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { writeNew } from './files.js';
import { EXIT_CODES, himFetch, queryString, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { HELP_OPTION, runParsed, stringOptions } from './run.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';

const USAGE = `usage: visitbridge evidence (--cell ID | --url CELL-BASE-URL --token JWT) --from DATE|ISO --to DATE|ISO --out DIR
  Downloads the cell's evidence pack for [from, to) through its HIM API (a to date counts
  whole) and writes it to DIR twice: the zip as served, and its folder unpacked. Check it
  offline with visitbridge verify-evidence --dir DIR/<pack> --public-key FILE.
${TARGET_USAGE}
exit codes: 0 written, 1 refused, 2 usage error (or the cell refused the period), 3 unreachable
`;

const OPTIONS = { ...HELP_OPTION, ...TARGET_OPTIONS, ...stringOptions('from', 'to', 'out') };

/** The file name a download's content-disposition gives, when it is a plain one. */
const filenameOf = (res: Response): string | undefined =>
  /filename="([\w.-]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];

/**
 * `visitbridge evidence`: an auditor's evidence pack of one cell, read through its HIM API.
 *
 * @returns 0 written, 1 refused, 2 usage error, 3 unreachable.
 */
export async function evidenceCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
    if (!v.from || !v.to || !v.out) throw new UsageError('give --from, --to and --out DIR');
    const target = await resolveTarget(v, env, ['him-reviewer']);
    const res = await himFetch(target, 'GET', `evidence${queryString({ from: v.from, to: v.to })}`);
    const zip = new Uint8Array(await res.arrayBuffer());
    const name = filenameOf(res) ?? 'evidence.zip';
    const files = await unzipFiles(zip);
    await writeNew(join(v.out, name), zip);
    for (const f of files) await writeNew(join(v.out, f.path), f.bytes);
    const folder = files[0]?.path.split('/')[0] ?? '';
    io.stdout.write(
      `${escapeControl(`wrote ${join(v.out, name)} and ${files.length} files in ${join(v.out, folder)}`)}\n`,
    );
    return EXIT_CODES.ok;
  });
}
