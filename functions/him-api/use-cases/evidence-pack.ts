import { zipFiles } from '../../../shared/adapters/zip/zip.js';
import { AppError } from '../../../shared/domain/errors.js';
import {
  MANIFEST_FILE,
  manifestOf,
  policyFileBytes,
  SIGNATURE_FILE,
  sha256Hex,
} from '../../../shared/domain/evidence/manifest.js';
import { NAG_REPORT_FILE, type NagReport } from '../../../shared/domain/evidence/nag-report.js';
import { csvHeader, csvRow, csvTable, ndjsonLine } from '../../../shared/domain/ledger/export.js';
import type { DocumentSignature } from '../../../shared/domain/seal/signed-document.js';
import type { DownloadFile } from '../route-kit.js';
import type { HimDeps, KeyFacts } from './context.js';
import { type EvidenceData, evidenceData, LIFECYCLE_ACTIONS } from './evidence.js';
import { evidenceReport } from './evidence-report.js';
import * as T from './evidence-tables.js';

/** Lambda answers at most 6 MB, and a binary body goes base64: leave room. */
const MAX_ZIP_BYTES = 4_400_000;

const utf8 = (s: string) => new TextEncoder().encode(s);
const json = (v: unknown) => utf8(`${JSON.stringify(v, null, 2)}\n`);
const csv = (t: T.Table) => utf8(csvTable(t.columns, t.rows));

const README = (data: EvidenceData) => `visitbridge evidence pack: cell ${data.cell} (${data.jurisdiction})
period [${data.period.from.toISOString()}, ${data.period.to.toISOString()}), generated ${data.generatedAt.toISOString()}

report.pdf                the report, with charts (corridors over time, review status)
corridors.csv             movements per day, corridor, kind, mechanism and decision
mechanisms.csv            the policy's transfer rules for this cell, each mechanism with its expiry
ledger.ndjson, ledger.csv the transfers ledger entries of the period, exactly as sealed
audit.ndjson, audit.csv   the HIM audit log entries of the period, exactly as sealed
integrity.json            both chains verified against the signed digest chain when the pack was made
phi-access-by-role.csv    PHI accesses (note views) by role, purpose, viewer country and outcome
reviews.csv, flags.csv    review status per corridor; flagged, escalated and resolved movements
retention-runs.csv, holds.csv, erasures.csv   the records lifecycle, from the audit log
keys.json                 the note, digest and patient keys, how they rotate, how many patients hold a key
policy.json               the residency policy in force (its SHA-256 is in the manifest)
cdk-nag-report.json       the cdk-nag report of this cell's stacks: packs, resources checked, violations,
                          every finding acknowledged in code with its reason, and which synth made it
public-key.pem            the digest public key as the cell reports it (check with one you obtained apart)
manifest.json             every file above with its SHA-256 and size, signed in manifest.json.sig

verify offline: visitbridge verify-evidence --dir DIR --public-key FILE (docs/evidence.md)
`;

/** Every file of the pack but the report, the manifest and its signature, by name. */
function dataFiles(
  data: EvidenceData,
  tables: ReturnType<typeof tablesOf>,
  policy: Uint8Array,
  keys: Record<string, KeyFacts>,
  nag: NagReport,
) {
  const lifecycle = Object.entries(LIFECYCLE_ACTIONS).map(([name, actions]) => [
    `${name}.csv`,
    csv(T.auditTable(T.withActions(data, actions))),
  ]);
  return new Map<string, Uint8Array>([
    ['README.txt', utf8(README(data))],
    ['corridors.csv', csv(tables.corridors)],
    ['mechanisms.csv', csv(tables.mechanisms)],
    ['ledger.ndjson', utf8(data.entries.map(({ review: _r, ...e }) => ndjsonLine(e)).join(''))],
    ['ledger.csv', utf8(csvHeader() + data.entries.map(({ review: _r, ...e }) => csvRow(e)).join(''))],
    ['audit.ndjson', utf8(data.audit.map((e) => `${JSON.stringify(e)}\n`).join(''))],
    ['audit.csv', csv(T.auditTable(data.audit))],
    ['integrity.json', json(data.integrity)],
    ['phi-access-by-role.csv', csv(tables.phiAccess)],
    ['reviews.csv', csv(tables.reviews)],
    ['flags.csv', csv(tables.flags)],
    ...(lifecycle as Array<[string, Uint8Array]>),
    ['keys.json', json(keys)],
    ['policy.json', policy],
    [NAG_REPORT_FILE, json(nag)],
    ['public-key.pem', utf8(data.key.publicKeyPem)],
  ]);
}

/** The configured keys, and the per-patient keys as they stand (how many patients hold one). */
async function keyState(deps: HimDeps): Promise<Record<string, KeyFacts>> {
  const { name, backupWindowDays } = deps.patientKeyStore;
  return {
    ...deps.keys,
    patient: {
      id: name,
      region: deps.keyRegion,
      kind: `per-patient AES-256 keys wrapped under the note key; ${await deps.patientKeys.count()} patients hold one`,
      rotation: `one key per patient, destroyed on erasure; the key store's own backups keep a destroyed key ${backupWindowDays} days`,
    },
  };
}

function tablesOf(deps: HimDeps, data: EvidenceData) {
  return {
    corridors: T.corridorTable(data),
    mechanisms: T.mechanismTable(deps.policy, deps.cell, data.generatedAt),
    phiAccess: T.phiAccessTable(data),
    reviews: T.reviewTable(data),
    flags: T.flagTable(data),
    lifecycle: {
      columns: ['file', 'actions', 'entries'],
      rows: Object.entries(LIFECYCLE_ACTIONS).map(([name, actions]) => [
        `${name}.csv`,
        actions.join(', '),
        T.withActions(data, actions).length,
      ]),
    },
  };
}

/**
 * An auditor's evidence pack of one cell and period, as a zip of one folder: the
 * files listed in README.txt, a PDF report, and `manifest.json` with every file's
 * SHA-256, signed with the cell's digest key (`manifest.json.sig`). Read-only.
 *
 * @throws AppError('invalid-query'), AppError('invalid-period') for a bad period;
 *   AppError('export-too-large') when the pack would not fit one response;
 *   AppError('nag-report-unavailable') when the cell's cdk-nag report cannot be had (no pack without it).
 */
export async function evidencePack(deps: HimDeps, query: unknown): Promise<DownloadFile> {
  const data = await evidenceData(deps, query);
  const nag = await deps.infraChecks.read();
  if (!nag)
    throw new AppError(
      'nag-report-unavailable',
      `this deployment holds no ${NAG_REPORT_FILE}: deploy it with the CDK app, whose synth writes one`,
    );
  const tables = tablesOf(deps, data);
  const policy = policyFileBytes(deps.policy);
  const keys = await keyState(deps);
  const files = dataFiles(data, tables, policy, keys, nag);
  const policyInfo = { version: deps.policy.policyVersion, hash: sha256Hex(policy) };
  const report = evidenceReport({
    data,
    policy: policyInfo,
    keys,
    tables,
    nag,
    files: ['report.pdf', ...files.keys()],
  });
  files.set('report.pdf', await deps.reports.render(report));
  const manifest = utf8(
    `${JSON.stringify(
      manifestOf(
        {
          cell: data.cell,
          jurisdiction: data.jurisdiction,
          period: { from: data.period.from.toISOString(), to: data.period.to.toISOString() },
          generatedAt: data.generatedAt.toISOString(),
          policyHash: policyInfo.hash,
          keyId: data.key.keyId,
        },
        [...files].map(([path, bytes]) => ({ path, bytes })),
      ),
      null,
      2,
    )}\n`,
  );
  const signed = await deps.documents.sign('evidence-manifest', manifest);
  const signature: DocumentSignature = {
    format: 'visitbridge-document-signature/1',
    kind: 'evidence-manifest',
    ...signed,
  };
  files.set(MANIFEST_FILE, manifest);
  files.set(SIGNATURE_FILE, json(signature));
  const name = `evidence-${data.cell}-${data.period.from.toISOString().slice(0, 10)}-${data.period.to.toISOString().slice(0, 10)}`;
  const zip = await zipFiles(
    [...files].map(([path, bytes]) => ({ path: `${name}/${path}`, bytes })),
    data.generatedAt,
  );
  if (zip.length > MAX_ZIP_BYTES)
    throw new AppError('export-too-large', 'the evidence pack exceeds one response: split the period');
  return { body: zip, contentType: 'application/zip', filename: `${name}.zip` };
}
