import { join } from 'node:path';
import { checkEvidence, MANIFEST_FILE, SIGNATURE_FILE } from '../../shared/domain/evidence/manifest.js';
import { publicKeyFingerprint } from '../../shared/domain/seal/digest.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { readTree } from './files.js';
import { EXIT_CODES, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, runParsed, stringOptions } from './run.js';
import { jsonText } from './table.js';
import { readKey } from './verify-bundle.js';

const USAGE = `usage: visitbridge verify-evidence --dir DIR --public-key FILE [--format table|json]
  Verifies an evidence pack's folder offline, with the cell's digest public key obtained
  apart from the pack: the signature of manifest.json, then every file it lists (present,
  same size and SHA-256) and no file it does not list. No network, no AWS.
exit codes: 0 verified, 1 verification failed, 2 usage error
`;

const OPTIONS = { ...HELP_OPTION, ...FORMAT_OPTIONS, ...stringOptions('dir', 'public-key') };

/**
 * `visitbridge verify-evidence`: an outside auditor's offline check of an evidence pack.
 *
 * @returns 0 verified, 1 failed, 2 usage error.
 */
export function verifyEvidenceCommand(argv: string[], io: CliIo): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
    if (!v.dir || !v['public-key']) throw new UsageError('give --dir DIR and --public-key FILE');
    const format = formatOf(v, ['table', 'json'] as const);
    const publicKeyPem = await readKey(v['public-key']);
    const files = await readTree(v.dir);
    const manifest = files.get(MANIFEST_FILE);
    const signature = files.get(SIGNATURE_FILE);
    if (!manifest || !signature)
      throw new UsageError(
        `${join(v.dir, MANIFEST_FILE)} and its ${SIGNATURE_FILE} are needed: not an evidence pack folder`,
      );
    files.delete(MANIFEST_FILE);
    files.delete(SIGNATURE_FILE);
    const check = checkEvidence(manifest, signature, files, publicKeyPem);
    if (format === 'json') io.stdout.write(jsonText(check));
    else {
      const m = check.manifest;
      const lines = [
        m
          ? `pack ${v.dir}: cell ${m.cell}, [${m.period.from}, ${m.period.to}), generated ${m.generatedAt}, ${m.files.length} files`
          : `pack ${v.dir}`,
        `key: ${v['public-key']} (fingerprint ${publicKeyFingerprint(publicKeyPem)})`,
        `signature: ${check.signatureValid ? 'valid' : 'INVALID'}`,
        ...check.problems.map((p) => `  ${p}`),
        check.ok ? 'evidence pack: verified' : 'evidence pack: FAILED',
      ];
      io.stdout.write(`${lines.map(escapeControl).join('\n')}\n`);
    }
    return check.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
  });
}
