import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UsageError } from './http.js';

/**
 * Writes a new file (mode 0600), creating its folder: an existing file is never overwritten.
 *
 * @throws UsageError when the file exists or cannot be created.
 */
export async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    throw cannotCreate(path, error);
  }
}

/** The usage error for a file of an `--out` folder that could not be created exclusively (`wx`). */
export function cannotCreate(path: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  return new UsageError(
    code === 'EEXIST' ? `${path} exists: name a new or empty --out folder` : `cannot create ${path}: ${code}`,
  );
}

/**
 * Every file under `dir`, by its path relative to `dir` with `/` separators.
 *
 * @throws UsageError when the folder cannot be read.
 */
export async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot read ${dir} (${(error as { code?: string }).code})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const name of names.sort()) {
    const path = join(dir, name);
    const bytes = await readFile(path).catch((error: { code?: string }) => {
      if (error.code === 'EISDIR') return undefined;
      throw new UsageError(`cannot read ${path} (${error.code})`);
    });
    if (bytes) files.set(relative(dir, path).split('\\').join('/'), new Uint8Array(bytes));
  }
  return files;
}
