import { parseArgs } from 'node:util';
import { loadPolicy } from '../../shared/config/load-policy.js';
import { formatIssue, PolicyError } from '../../shared/domain/policy/parse.js';
import { policyWarnings } from '../../shared/domain/policy/warnings.js';
import { escapeControl } from '../../shared/domain/text/escape-control.js';

/** Where a CLI command writes: `process.stdout`/`process.stderr`, or buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** A sink for text lines. */
export interface LineSink {
  write(chunk: string): unknown;
}

export interface PolicyCheckOptions {
  /** The instant expiry warnings are computed for. */
  now: Date;
  out: LineSink;
  /** Treat warnings as failures. */
  strict?: boolean;
}

/**
 * Validates a policy file and prints `OK`, its warnings or its errors (each naming
 * the bad path). Returns the exit code: 0 valid, 1 invalid (or warnings under `strict`).
 */
export function runPolicyCheck(file: string, options: PolicyCheckOptions): number {
  const { out } = options;
  let policy: ReturnType<typeof loadPolicy>;
  try {
    policy = loadPolicy(file);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    out.write(`${file}: INVALID (${error.issues.length} error${error.issues.length === 1 ? '' : 's'})\n`);
    for (const issue of error.issues) out.write(`  error: ${formatIssue(issue)}\n`);
    return 1;
  }
  const warnings = policyWarnings(policy, options.now);
  const summary = `policy ${policy.policyVersion}, ${policy.jurisdictions.length} jurisdictions, ${policy.transfers.length} rules`;
  const failed = options.strict === true && warnings.length > 0;
  const verdict = warnings.length === 0 ? 'OK' : failed ? 'FAILED (strict)' : 'OK with warnings';
  out.write(`${file}: ${verdict} (${summary})\n`);
  for (const w of warnings) out.write(`  warning [${w.code}]${w.path ? ` ${w.path}` : ''}: ${w.message}\n`);
  return failed ? 1 : 0;
}

const USAGE = `usage: visitbridge policy check FILE [--strict] [--now ISO-DATE-TIME]
  Validates a residency policy file: exit 0 valid, 1 invalid (or warnings with --strict), 2 usage error.
`;

/**
 * `visitbridge policy …` entry point for the bin.
 *
 * @returns the process exit code (2 for a usage error).
 */
export async function policyCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [sub, file, ...rest] = positionals;
  if (sub !== 'check' || !file || rest.length > 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) {
    io.stderr.write(`--now must be an ISO date-time\n${USAGE}`);
    return 2;
  }
  // A policy file is outside input too: its keys and values reach the terminal escaped.
  const out = { write: (chunk: string) => io.stdout.write(chunk.split('\n').map(escapeControl).join('\n')) };
  return runPolicyCheck(file, { now, out, strict: values.strict === true });
}

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      strict: { type: 'boolean' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
