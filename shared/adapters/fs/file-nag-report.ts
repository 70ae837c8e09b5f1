import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/errors.js';
import { type NagReport, NagReportSchema } from '../../domain/evidence/nag-report.js';
import type { InfraCheckReport } from '../../ports/infra-check-report.js';

/**
 * The cdk-nag report in a file: in AWS the one the bundling hook copies beside the
 * HIM API handler (`NAG_REPORT_FILE`, as `POLICY_FILE` names the policy). Read at
 * every call: packs are rare and the file is small.
 */
export class FileNagReport implements InfraCheckReport {
  constructor(private readonly path: string) {}

  /** @throws AppError('nag-report-unavailable') when the file is unreadable or not a report. */
  async read(): Promise<NagReport | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new AppError('nag-report-unavailable', `cannot read ${this.path}`, {}, { cause: error });
    }
    try {
      return NagReportSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new AppError(
        'nag-report-unavailable',
        `${this.path} is not a cdk-nag report`,
        {},
        { cause: error },
      );
    }
  }
}
