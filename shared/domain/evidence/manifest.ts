import { createHash } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from '../ledger/canonical.js';
import type { ResidencyPolicy } from '../policy/model.js';
import {
  type DocumentSignature,
  DocumentSignatureSchema,
  documentSignatureValid,
} from '../seal/signed-document.js';

/** The pack's table of contents, signed: `manifest.json` with `manifest.json.sig` beside it. */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.sig';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const EvidenceManifestSchema = z.strictObject({
  format: z.literal('visitbridge-evidence-manifest/1'),
  cell: z.string().min(1),
  jurisdiction: z.string().min(1),
  period: z.strictObject({ from: z.string(), to: z.string() }),
  generatedAt: z.string(),
  /** SHA-256 of `policy.json` (the residency policy in force, canonical JSON). */
  policyHash: Sha256Hex,
  /** The digest key that signs this manifest, the ledger's and the audit log's digests. */
  keyId: z.string().min(1),
  files: z.array(z.strictObject({ path: z.string().min(1), sha256: Sha256Hex, bytes: z.int().min(0) })),
});
export type EvidenceManifest = z.infer<typeof EvidenceManifestSchema>;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A pack's `policy.json`: the residency policy as canonical JSON; its SHA-256 is the manifest's `policyHash`. */
export const policyFileBytes = (policy: ResidencyPolicy): Uint8Array =>
  new TextEncoder().encode(`${canonicalJson(policy)}\n`);

/** A manifest listing every file with its SHA-256 and size, in the order given. */
export function manifestOf(
  facts: Omit<EvidenceManifest, 'format' | 'files'>,
  files: ReadonlyArray<{ path: string; bytes: Uint8Array }>,
): EvidenceManifest {
  return {
    format: 'visitbridge-evidence-manifest/1',
    ...facts,
    files: files.map((f) => ({ path: f.path, sha256: sha256Hex(f.bytes), bytes: f.bytes.length })),
  };
}

/** What an offline check of a pack found: `ok` only when the signature and every file check out. */
export interface EvidenceCheck {
  ok: boolean;
  manifest?: EvidenceManifest;
  signatureValid: boolean;
  problems: string[];
}

/**
 * Checks an evidence pack offline with the cell's digest public key: the manifest's
 * signature (a document of kind `evidence-manifest`), then every file it lists
 * (present, same size and SHA-256), and no file that it does not list. Pure: the
 * caller reads the folder.
 *
 * @param files every file of the pack's folder but the manifest and its signature, by relative path.
 */
export function checkEvidence(
  manifestBytes: Uint8Array,
  signatureBytes: Uint8Array,
  files: ReadonlyMap<string, Uint8Array>,
  publicKeyPem: string,
): EvidenceCheck {
  const problems: string[] = [];
  const manifest = parseJson(manifestBytes, EvidenceManifestSchema);
  const signature = parseJson(signatureBytes, DocumentSignatureSchema) as DocumentSignature | undefined;
  if (!manifest) problems.push(`${MANIFEST_FILE} is not a visitbridge evidence manifest`);
  if (!signature) problems.push(`${SIGNATURE_FILE} is not a visitbridge document signature`);
  const signatureValid =
    signature?.kind === 'evidence-manifest' && documentSignatureValid(signature, manifestBytes, publicKeyPem);
  if (signature && !signatureValid)
    problems.push(
      `${SIGNATURE_FILE}: the signature does not verify with this public key (or is not an evidence-manifest signature)`,
    );
  if (manifest && signature && manifest.keyId !== signature.keyId)
    problems.push(`the manifest names key ${manifest.keyId} but was signed by ${signature.keyId}`);
  const listed = new Set<string>();
  for (const f of manifest?.files ?? []) {
    listed.add(f.path);
    const bytes = files.get(f.path);
    if (!bytes) problems.push(`${f.path} is missing`);
    else if (bytes.length !== f.bytes || sha256Hex(bytes) !== f.sha256)
      problems.push(
        `${f.path} does not match the manifest (SHA-256 ${sha256Hex(bytes)}, manifest ${f.sha256})`,
      );
  }
  if (manifest)
    for (const path of files.keys()) if (!listed.has(path)) problems.push(`${path} is not in the manifest`);
  return { ok: problems.length === 0, ...(manifest ? { manifest } : {}), signatureValid, problems };
}

function parseJson<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.infer<S> | undefined {
  try {
    return schema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return undefined;
  }
}
