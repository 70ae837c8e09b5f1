import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException)?.code === code;

/**
 * Writes `path` only if it does not exist, atomically: the content goes to a
 * temporary file in the same folder first, then is hard-linked into place, so a
 * concurrent reader never sees a partial file and two writers never both win.
 * The folder is created 0700; the file gets `mode`.
 *
 * @returns true when this call created the file, false when it already existed.
 * @throws for any other file-system failure.
 */
export async function createOnce(path: string, content: string | Uint8Array, mode = 0o600): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${randomUUID()}.tmp`);
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(temp, mode);
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * The content of `path`, creating it with `make()` first when absent (see `createOnce`):
 * every caller, concurrent ones included, gets the same content.
 */
export async function readOrCreate(
  path: string,
  make: () => Promise<string | Uint8Array> | string | Uint8Array,
  mode = 0o600,
): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  await createOnce(path, await make(), mode);
  return readFile(path);
}
