import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppError } from '../../shared/domain/errors.js';
import { type NagReport, NagReportSchema } from '../../shared/domain/evidence/nag-report.js';
import type { InfraCheckReport } from '../../shared/ports/infra-check-report.js';
import { PROJECT_ROOT } from './settings.js';

const SYNTH_SCRIPT = fileURLToPath(new URL('nag-synth.ts', import.meta.url));
/** A synth of one cell without bundling takes seconds; past this something is stuck. */
const SYNTH_TIMEOUT_MS = 180_000;

/**
 * The local stack's cdk-nag report of one cell: the cell's two stacks synthesised
 * from this checkout (bundling skipped, the stack's policy file), marked as such.
 * Made on first use, never at start-up, in a child process, so the stack keeps
 * answering meanwhile and aws-cdk-lib never loads into it; then kept in memory.
 */
export class LocalNagReport implements InfraCheckReport {
  private made: Promise<NagReport> | undefined;

  constructor(
    private readonly cellId: string,
    private readonly policyFile: string,
  ) {}

  /** @throws AppError('nag-report-unavailable') when the synth fails (why goes to stderr); the next call tries again. */
  read(): Promise<NagReport> {
    this.made ??= this.synth().catch((error: unknown) => {
      this.made = undefined;
      throw error;
    });
    return this.made;
  }

  private async synth(): Promise<NagReport> {
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', SYNTH_SCRIPT, this.cellId, this.policyFile],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, NODE_OPTIONS: '' },
          timeout: SYNTH_TIMEOUT_MS,
          maxBuffer: 32 * 1024 * 1024,
        },
      );
      return NagReportSchema.parse(JSON.parse(stdout));
    } catch (error) {
      process.stderr.write(`cdk-nag report of cell ${this.cellId}: ${(error as Error).message}\n`);
      throw new AppError(
        'nag-report-unavailable',
        `the local synth of cell ${this.cellId} failed`,
        {},
        { cause: error },
      );
    }
  }
}
