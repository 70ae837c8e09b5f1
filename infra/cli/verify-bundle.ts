import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { publicKeyFingerprint } from '../../shared/domain/seal/digest.js';
import { verifyExportBundle } from '../../shared/domain/seal/verify-export.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { EXIT_CODES, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { readBundle } from './read-bundle.js';
import { formatOf, runCommand } from './run.js';
import { sealReportText } from './seal-text.js';
import { jsonText } from './table.js';

const USAGE = `usage: visitbridge verify-bundle --dir DIR --public-key FILE [--format table|json]
  Verifies an export bundle (visitbridge ledger|audit bundle) offline, with the public key
  you obtained apart from it: no network, no AWS. Checks the files against the manifest,
  every digest's signature and link, every shard chain from genesis and every sealed head.
  Records newer than the last digest are reported as unsealed.
exit codes: 0 verified, 1 verification failed, 2 usage error
`;

/**
 * `visitbridge verify-bundle`: an outside auditor's offline check of an export bundle.
 *
 * @returns 0 verified, 1 failed, 2 usage error.
 */
export async function verifyBundleCommand(
  argv: string[],
  io: CliIo,
  now: () => Date = () => new Date(),
): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values: v, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        'public-key': { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (v.help) {
      io.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
    if (!v.dir || !v['public-key']) throw new UsageError('give --dir DIR and --public-key FILE');
    const format = formatOf(v, ['table', 'json'] as const);
    const publicKeyPem = await readKey(v['public-key']);
    const read = await readBundle(v.dir);
    const report = verifyExportBundle(read.bundle, publicKeyPem, now());
    const sameKey = read.bundledKeyPem.trim() === publicKeyPem.trim();
    const ok = report.ok && read.problems.length === 0;
    if (format === 'json') {
      io.stdout.write(
        jsonText({
          ok,
          manifest: read.manifest,
          files: { ok: read.problems.length === 0, problems: read.problems },
          report,
        }),
      );
    } else {
      const m = read.manifest;
      const head = [
        `bundle ${v.dir}: ${m.chain} of cell ${m.cell}, exported ${m.exportedAt} from ${m.source}, ${m.counts.records} records, ${m.counts.digests} digests`,
        `key: ${v['public-key']} (fingerprint ${publicKeyFingerprint(publicKeyPem)})${sameKey ? '' : '; the bundle carries a different public-key.pem'}`,
        read.problems.length === 0 ? 'files: match the manifest' : 'files: FAILED',
        ...read.problems.map((p) => `  ${p}`),
      ];
      io.stdout.write(`${head.map(escapeControl).join('\n')}\n${sealReportText(report)}`);
      if (!ok && report.ok) io.stdout.write('bundle: FAILED (its files do not match the manifest)\n');
    }
    return ok ? EXIT_CODES.ok : EXIT_CODES.failed;
  });
}

/**
 * A PEM public key (SPKI) from a file the auditor names.
 *
 * @throws UsageError when it cannot be read or is not one.
 */
export async function readKey(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file} (${(error as { code?: string }).code})`);
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----'))
    throw new UsageError(`${file} is not a PEM public key (SPKI)`);
  return pem;
}
