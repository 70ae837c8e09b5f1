import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CliIo } from './policy.js';

/** The filter flags of `visitbridge ledger`, the same against the local stack and a deployed cell. */
export const LEDGER_FILTER_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  kind: { type: 'string' },
  decision: { type: 'string' },
  corridor: { type: 'string' },
  note: { type: 'string' },
  patient: { type: 'string' },
} as const;

/** Writes one chunk of an export, waiting while the file is backed up. */
export type ExportWrite = (chunk: string) => Promise<void>;

/**
 * Runs an export into `out` (a new file, mode 0600) or stdout: `produce` writes
 * the chunks and returns how many entries it wrote; the file is closed even
 * when it throws, and the count is reported on stderr when it does not.
 *
 * @throws whatever `produce` or the file stream throws.
 */
export async function writeExport(
  io: CliIo,
  out: string | undefined,
  produce: (write: ExportWrite) => Promise<number>,
): Promise<void> {
  const file = out ? createWriteStream(out, { encoding: 'utf8', mode: 0o600 }) : undefined;
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
  io.stderr.write(`exported ${count} entries${out ? ` to ${out}` : ''}\n`);
}
