import { posix } from 'node:path';
import { fromBuffer, type ZipFile } from 'yauzl';

/**
 * The files of a zip archive, read in memory with yauzl. A name that would land
 * outside the folder it is unpacked into (absolute, `..`, a backslash) is refused,
 * as is a directory-only or encrypted entry's absence of data: nothing is written here.
 *
 * @throws Error when the bytes are not a zip or an entry's name is unsafe.
 */
export async function unzipFiles(bytes: Uint8Array): Promise<Array<{ path: string; bytes: Uint8Array }>> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(Buffer.from(bytes), { lazyEntries: true, decodeStrings: true }, (e, z) =>
      e || !z ? reject(e ?? new Error('not a zip')) : resolve(z),
    ),
  );
  const files: Array<{ path: string; bytes: Uint8Array }> = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      if (name.startsWith('/') || name.includes('\\') || posix.normalize(name).split('/').includes('..'))
        return reject(new Error(`unsafe name in the archive: ${name}`));
      zip.openReadStream(entry, (e, stream) => {
        if (e || !stream) return reject(e ?? new Error(`cannot read ${name}`));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          files.push({ path: name, bytes: new Uint8Array(Buffer.concat(chunks)) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return files;
}
