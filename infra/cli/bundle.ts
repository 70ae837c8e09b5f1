import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SealedChainName } from '../../shared/domain/seal/digest.js';
import type { AnchoredObject } from '../../shared/ports/digest-anchor.js';
import { BUNDLE_FILES, type BundleManifest, HashedFile, MANIFEST_FILE } from './bundle-files.js';
import { type HimTarget, himJson, queryString } from './http.js';
import type { CliIo } from './policy.js';

/** Records per page while exporting: the API's largest page. */
const PAGE = 1000;

/**
 * Exports one chain family of a cell for an outside auditor into `dir`:
 * `records.ndjson` (every record, all pages), `digests.ndjson` (the digest chain
 * byte for byte, one `{name, body}` a line), `public-key.pem` (as the cell reports
 * it: for reference; the auditor verifies with a key obtained apart from the bundle)
 * and `manifest.json`. Digests are read before records, so every sealed record is in
 * the export; records written meanwhile show as unsealed. Progress goes to stderr.
 *
 * Nothing is left behind when it fails.
 *
 * @throws UsageError when a bundle file exists in `dir`; RefusedError, UnreachableError from the API.
 */
export async function writeBundle(
  target: HimTarget,
  chain: SealedChainName,
  dir: string,
  io: CliIo,
  now: () => Date,
): Promise<BundleManifest> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const created: HashedFile[] = [];
  try {
    for (const name of [...BUNDLE_FILES, MANIFEST_FILE])
      created.push(await HashedFile.create(join(dir, name)));
    const [records, digests, key, manifest] = created as [HashedFile, HashedFile, HashedFile, HashedFile];
    return await exportInto(target, chain, { records, digests, key, manifest }, io, now);
  } catch (error) {
    await Promise.all(created.map((f) => f.discard()));
    throw error;
  }
}

interface Files {
  records: HashedFile;
  digests: HashedFile;
  key: HashedFile;
  manifest: HashedFile;
}

async function exportInto(
  target: HimTarget,
  chain: SealedChainName,
  files: Files,
  io: CliIo,
  now: () => Date,
): Promise<BundleManifest> {
  const { cell } = await himJson<{ cell: string }>(target, 'GET', 'whoami');
  const { objects } = await himJson<{ objects: AnchoredObject[] }>(target, 'GET', `${chain}/digests`);
  const key = await himJson<{ keyId: string; publicKeyPem: string }>(target, 'GET', 'integrity/public-key');
  for (const o of objects) await files.digests.write(`${JSON.stringify({ name: o.name, body: o.body })}\n`);
  await files.key.write(key.publicKeyPem);
  let records = 0;
  let cursor: string | undefined;
  do {
    const page = await himJson<{ entries: unknown[]; nextCursor?: string }>(
      target,
      'GET',
      `${chain}${queryString({ limit: PAGE, cursor })}`,
    );
    for (const record of page.entries) await files.records.write(`${JSON.stringify(record)}\n`);
    records += page.entries.length;
    cursor = page.nextCursor;
    if (cursor) io.stderr.write(`bundle: ${records} records…\n`);
  } while (cursor);
  const manifest: BundleManifest = {
    format: 'visitbridge-export-bundle/1',
    chain,
    cell,
    exportedAt: now().toISOString(),
    source: target.baseUrl,
    keyId: key.keyId,
    counts: { records, digests: objects.length },
    files: {
      'records.ndjson': await files.records.close(),
      'digests.ndjson': await files.digests.close(),
      'public-key.pem': await files.key.close(),
    },
  };
  await files.manifest.write(`${JSON.stringify(manifest, null, 2)}\n`);
  await files.manifest.close();
  return manifest;
}
