import { readFile, writeFile } from 'node:fs/promises';
import {
  certificateSignatureValid,
  type ErasurePreview,
  type SignedErasureCertificate,
} from '../../shared/domain/erasure/erasure.js';
import { EXIT_CODES, himFetch, himJson, UsageError } from './http.js';
import type { CliIo } from './policy.js';
import { FORMAT_OPTIONS, formatOf, HELP_OPTION, patientOption, runParsed, stringOptions } from './run.js';
import { jsonText, textTable } from './table.js';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE } from './target.js';
import { readKey } from './verify-bundle.js';

const USAGE = `usage: visitbridge erasure preview --patient SYSTEM|VALUE     file an erasure request and preview it
       visitbridge erasure show ID                        a request, with a fresh preview until executed
       visitbridge erasure execute ID                     destroy the patient's key; prints the certificate
       visitbridge erasure certificate ID [--format json|pdf] --out FILE
       visitbridge erasure verify --file CERTIFICATE.json --public-key FILE   offline, no cell needed
  privacy officers only. Nothing is erased by preview; execute refuses when a legal hold or an
  undelivered note conflicts, or when anything changed since the preview.
  ${TARGET_USAGE}
  output: --format table|json (or --json)
exit codes: 0 ok, 1 refused (blocked, not previewed, executed already, role), 2 usage error, 3 unreachable
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  ...FORMAT_OPTIONS,
  ...stringOptions('patient', 'out', 'file', 'public-key'),
  ...HELP_OPTION,
} as const;

interface ErasureView {
  erasureId: string;
  state: string;
  previewedAt: string;
  executedAt?: string;
  preview?: ErasurePreview;
}

const ROLE = ['privacy-officer'] as const;

/**
 * `visitbridge erasure …`: erasure (GDPR Art. 17) by crypto-shredding through the cell's HIM API.
 *
 * @returns 0 ok, 1 refused, 2 usage error, 3 unreachable.
 */
export async function erasureCommand(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  return runParsed(io, USAGE, argv, OPTIONS, async ({ values: v, positionals }) => {
    const [command, id, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (command === 'preview') {
      if (!v.patient || id) throw new UsageError('preview needs --patient SYSTEM|VALUE and no ID');
      const target = await resolveTarget(v, env, [...ROLE]);
      const patient = patientOption(v.patient, '--patient must be SYSTEM|VALUE');
      const view = await himJson<ErasureView>(target, 'POST', 'erasures', { patient });
      writeView(io, view, formatOf(v, ['table', 'json'] as const));
      return EXIT_CODES.ok;
    }
    if (command === 'verify') return verifyCertificate(io, v.file, v['public-key']);
    if (!id) throw new UsageError(`unknown command ${command ?? '(none)'} or missing ID`);
    const target = await resolveTarget(v, env, [...ROLE]);
    const path = `erasures/${encodeURIComponent(id)}`;
    if (command === 'show') {
      writeView(io, await himJson<ErasureView>(target, 'GET', path), formatOf(v, ['table', 'json'] as const));
      return EXIT_CODES.ok;
    }
    if (command === 'execute') {
      const signed = await himJson<SignedErasureCertificate>(target, 'POST', `${path}/execute`);
      if (formatOf(v, ['table', 'json'] as const) === 'json') io.stdout.write(jsonText(signed));
      else writeCertificate(io, signed);
      return EXIT_CODES.ok;
    }
    if (command === 'certificate') {
      const format = formatOf(v, ['json', 'pdf'] as const);
      if (!v.out) throw new UsageError('certificate needs --out FILE');
      const res = await himFetch(target, 'GET', `${path}/certificate?format=${format}`);
      await writeFile(v.out, Buffer.from(await res.arrayBuffer()));
      io.stderr.write(`wrote ${v.out}\n`);
      return EXIT_CODES.ok;
    }
    throw new UsageError(`unknown command ${command}`);
  });
}

/** Checks a certificate's signature with the cell's digest public key, offline. */
async function verifyCertificate(io: CliIo, file?: string, keyFile?: string): Promise<number> {
  if (!file || !keyFile) throw new UsageError('verify needs --file CERTIFICATE.json and --public-key FILE');
  const publicKeyPem = await readKey(keyFile);
  let signed: SignedErasureCertificate;
  try {
    signed = JSON.parse(await readFile(file, 'utf8')) as SignedErasureCertificate;
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON (${(error as Error).message})`);
  }
  if (!signed?.certificate || !signed?.signature)
    throw new UsageError(`${file} is not an erasure certificate (certificate and signature expected)`);
  if (!certificateSignatureValid(signed, publicKeyPem)) {
    io.stdout.write(
      `FAILED: the signature of ${file} does not hold under this key: the certificate was changed or signed by another key\n`,
    );
    return EXIT_CODES.failed;
  }
  io.stdout.write(
    `OK: erasure ${signed.certificate.erasureId} of ${signed.certificate.patientRef} in ${signed.certificate.cell}, signed by ${signed.signature.keyId}\n`,
  );
  return EXIT_CODES.ok;
}

function writeView(io: CliIo, view: ErasureView, format: 'table' | 'json'): void {
  if (format === 'json') {
    io.stdout.write(jsonText(view));
    return;
  }
  io.stdout.write(`erasure ${view.erasureId}: ${view.state} (previewed ${view.previewedAt})\n`);
  const p = view.preview;
  if (!p) return;
  io.stdout.write(`patient ${p.patientRef}, key ${p.patientKeyId ?? '(none)'}\n`);
  const rows = p.notes.map((n) => [
    `${n.senderId}/${n.noteId}/${n.version}`,
    n.eventKind,
    n.receivedAt,
    n.state ?? '-',
    n.documentReference ?? '-',
  ]);
  io.stdout.write(`${textTable(['NOTE', 'EVENT', 'RECEIVED', 'DELIVERY', 'EHR COPY'], rows)}\n`);
  for (const h of p.holds) io.stdout.write(`held: ${h.holdId} (${h.scope} ${h.subject})\n`);
  for (const n of p.undelivered) io.stdout.write(`undelivered: ${n.senderId}/${n.noteId}/${n.version}\n`);
  io.stdout.write(
    p.blocked
      ? 'blocked: release the holds or finish the deliveries, then preview again\n'
      : `ready: visitbridge erasure execute ${view.erasureId}\n`,
  );
}

function writeCertificate(io: CliIo, { certificate: c, signature }: SignedErasureCertificate): void {
  io.stdout.write(
    `erasure ${c.erasureId} executed at ${c.executedAt}: patient key ${c.destroyed.patientKeyId ?? '(none)'} destroyed, ` +
      `${c.destroyed.notes.length} note event(s) unreadable\n`,
  );
  for (const a of c.ehrActions)
    io.stdout.write(
      `action on the EHR: ${a.ehrTarget} ${a.documentReference} (note ${a.noteId} v${a.version})\n`,
    );
  io.stdout.write(`signed by ${signature.keyId}\n`);
}
