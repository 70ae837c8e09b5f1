import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { UsageError } from './http.js';
import type { CliIo } from './policy.js';

/** Writes one chunk of an export, waiting while the file is backed up. */
export type ExportWrite = (chunk: string) => Promise<void>;

/**
 * Runs an export into the path the user named: `--out FILE` (a new file, mode
 * 0600; an existing file is never overwritten) or `--out -` for stdout. `produce`
 * writes the chunks and returns how many records it wrote; the file is closed even
 * when it throws, and the count is reported on stderr when it does not.
 *
 * @throws UsageError without `--out` or when FILE exists; whatever `produce` or the file throws.
 */
export async function writeExport(
  io: CliIo,
  out: string | undefined,
  produce: (write: ExportWrite) => Promise<number>,
): Promise<void> {
  if (!out) throw new UsageError('name where the export goes: --out FILE, or --out - for stdout');
  const file = out === '-' ? undefined : await openNew(out);
  const write: ExportWrite = async (chunk) => {
    if (!file) return void io.stdout.write(chunk);
    if (!file.write(chunk)) await once(file, 'drain');
  };
  let count: number;
  try {
    count = await produce(write);
  } finally {
    if (file) {
      file.end();
      await once(file, 'close');
    }
  }
  io.stderr.write(`exported ${count} entries${file ? ` to ${out}` : ''}\n`);
}

async function openNew(path: string) {
  const file = createWriteStream(path, { encoding: 'utf8', mode: 0o600, flags: 'wx' });
  try {
    await once(file, 'open');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST')
      throw new UsageError(`${path} exists: name a new file (an export never overwrites one)`);
    throw new UsageError(`cannot create ${path}: ${code ?? (error as Error).message}`);
  }
  return file;
}
