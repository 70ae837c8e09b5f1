import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isAppError } from '../../shared/domain/errors.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';
import { EXIT_CODES, RefusedError, refusalText, UnreachableError, UsageError } from './http.js';
import type { CliIo } from './policy.js';

/**
 * Runs one command body and turns what it throws into an exit code: usage errors
 * 2 (with the usage text), the API refusing the values given 2 (with its per-field
 * problems), other refusals 1, an unreachable stack or cell 3. Every message is
 * printed with its control characters escaped.
 */
export async function runCommand(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${escapeControl((error as Error).message)}\n${usage}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof RefusedError) {
      io.stderr.write(refusalText(error));
      return error.badInput ? EXIT_CODES.usage : EXIT_CODES.failed;
    }
    const detail = isAppError(error) ? error.detail : (error as Error).message;
    io.stderr.write(`${error instanceof UnreachableError ? '' : 'failed: '}${escapeControl(detail)}\n`);
    return EXIT_CODES.unreachable;
  }
}

/** Output formats a command may offer. */
export type Format = 'table' | 'json' | 'csv' | 'ndjson' | 'pdf';

/**
 * The output format from `--format F` or its shorthands `--json` / `--csv`; the
 * first allowed format when none is given.
 *
 * @throws UsageError when more than one is given or the format is not allowed here.
 */
export function formatOf<F extends Format>(
  values: { format?: string | undefined; json?: boolean | undefined; csv?: boolean | undefined },
  allowed: readonly F[],
): F {
  const given = [values.format, values.json ? 'json' : undefined, values.csv ? 'csv' : undefined].filter(
    (f): f is string => f !== undefined,
  );
  if (given.length > 1) throw new UsageError('give one of --format, --json and --csv');
  const format = given[0] ?? allowed[0];
  if (!(allowed as readonly string[]).includes(format ?? ''))
    throw new UsageError(`--format must be one of ${allowed.join(', ')}`);
  return format as F;
}

/** Options every command with output formats takes. */
export const FORMAT_OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']> & { help: { type: 'boolean'; short: 'h' } };
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>
>;

/** Options that each take one string value, by name. */
export const stringOptions = <const N extends string>(...names: N[]) =>
  Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [K in N]: { type: 'string' } };

/**
 * `--patient SYSTEM|VALUE` as the HIM API's bodies take a patient identifier: `{ system, value }`.
 *
 * @throws UsageError(`need`) when it is missing or not SYSTEM|VALUE.
 */
export function patientOption(option: string | undefined, need: string): { system: string; value: string } {
  const bar = option?.indexOf('|') ?? -1;
  if (!option || bar < 1 || bar === option.length - 1) throw new UsageError(need);
  return { system: option.slice(0, bar), value: option.slice(bar + 1) };
}

/** `-h`/`--help`, which every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Runs a command that takes options and positionals: parses `argv` (`--help` prints
 * `usage` and exits 0), then runs `body`; what it throws becomes an exit code as in `runCommand`.
 */
export function runParsed<O extends Options>(
  io: CliIo,
  usage: string,
  argv: string[],
  options: O,
  body: (parsed: Parsed<O>) => Promise<number>,
): Promise<number> {
  return runCommand(io, usage, async () => {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true });
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout.write(usage);
      return EXIT_CODES.ok;
    }
    return body(parsed);
  });
}
