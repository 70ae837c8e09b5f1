import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportBundle } from '../../shared/domain/seal/verify-export.js';
import type { AnchoredObject } from '../../shared/ports/digest-anchor.js';
import { BUNDLE_FILES, type BundleManifest, BundleManifestSchema, MANIFEST_FILE } from './bundle-files.js';
import { UsageError } from './http.js';

/** A bundle as read from its folder: what verification needs, and what is wrong with the files themselves. */
export interface ReadBundle {
  manifest: BundleManifest;
  bundle: ExportBundle;
  /** The key the bundle carries (for reference only: the auditor supplies the key to trust). */
  bundledKeyPem: string;
  /** Files that do not match the manifest, lines that cannot be read. Empty when the files are intact. */
  problems: string[];
}

/**
 * Reads an export bundle written by `visitbridge ledger|audit bundle`. Reads only
 * the folder: no network. A record line that is not JSON is kept as an unreadable
 * record, so verification reports it.
 *
 * @throws UsageError when the folder lacks a bundle file or its manifest is not one.
 */
export async function readBundle(dir: string): Promise<ReadBundle> {
  const manifestText = await readText(dir, MANIFEST_FILE);
  let manifest: BundleManifest;
  try {
    manifest = BundleManifestSchema.parse(JSON.parse(manifestText));
  } catch {
    throw new UsageError(`${join(dir, MANIFEST_FILE)} is not a visitbridge export bundle manifest`);
  }
  const problems: string[] = [];
  const texts = new Map<string, string>();
  for (const name of BUNDLE_FILES) {
    const bytes = await readBytes(dir, name);
    texts.set(name, bytes.toString('utf8'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== manifest.files[name].sha256)
      problems.push(
        `${name} does not match the manifest (SHA-256 ${sha256}, manifest ${manifest.files[name].sha256})`,
      );
  }
  const records = lines(texts.get('records.ndjson')).map((line) => parseJson(line));
  const objects: AnchoredObject[] = [];
  lines(texts.get('digests.ndjson')).forEach((line, i) => {
    const o = parseJson(line) as Partial<AnchoredObject> | null;
    if (typeof o?.name === 'string' && typeof o.body === 'string')
      objects.push({ name: o.name, body: o.body });
    else problems.push(`digests.ndjson line ${i + 1} is not a {name, body} digest object`);
  });
  if (records.length !== manifest.counts.records)
    problems.push(
      `records.ndjson has ${records.length} records; the manifest says ${manifest.counts.records}`,
    );
  if (objects.length !== manifest.counts.digests)
    problems.push(
      `digests.ndjson has ${objects.length} digests; the manifest says ${manifest.counts.digests}`,
    );
  return {
    manifest,
    bundle: { chain: manifest.chain, cell: manifest.cell, records, objects },
    bundledKeyPem: texts.get('public-key.pem') ?? '',
    problems,
  };
}

const lines = (text: string | undefined): string[] => (text ?? '').split('\n').filter((l) => l.trim() !== '');

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

async function readBytes(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch (error) {
    throw new UsageError(
      `cannot read ${join(dir, name)} (${(error as { code?: string }).code}): not a complete bundle`,
    );
  }
}

const readText = async (dir: string, name: string): Promise<string> =>
  (await readBytes(dir, name)).toString('utf8');
