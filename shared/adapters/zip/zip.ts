import { ZipFile } from 'yazl';

/**
 * A zip archive of `files` (deflated, mode 0600), every entry dated `mtime`, so the
 * same files make the same archive. Built in memory: evidence packs are a few MB.
 *
 * @example
 * const zip = await zipFiles([{ path: 'pack/manifest.json', bytes }], new Date());
 */
export function zipFiles(
  files: ReadonlyArray<{ path: string; bytes: Uint8Array }>,
  mtime: Date,
): Promise<Uint8Array> {
  const zip = new ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.bytes), f.path, { mtime, mode: 0o100600 });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}
