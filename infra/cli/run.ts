import { isAppError } from '../../shared/domain/errors.js';
import { EXIT_CODES, RefusedError, UnreachableError, UsageError } from './http.js';
import type { CliIo } from './policy.js';

/**
 * Runs one command body and turns what it throws into an exit code: usage
 * errors 2 (with the usage text), refusals 1, an unreachable stack or cell 3.
 */
export async function runCommand(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n${usage}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof RefusedError) {
      io.stderr.write(`refused: ${error.message}\n`);
      return EXIT_CODES.failed;
    }
    const detail = isAppError(error) ? error.detail : (error as Error).message;
    io.stderr.write(`${error instanceof UnreachableError ? '' : 'failed: '}${detail}\n`);
    return EXIT_CODES.unreachable;
  }
}

/** Output format from `--json` / `--csv` flags (table otherwise). */
export function formatOf(values: { json?: boolean; csv?: boolean }): 'table' | 'json' | 'csv' {
  if (values.json && values.csv) throw new UsageError('give at most one of --json and --csv');
  return values.json ? 'json' : values.csv ? 'csv' : 'table';
}
