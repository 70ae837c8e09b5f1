import type { NagReport } from '../domain/evidence/nag-report.js';

/**
 * The cdk-nag report of this cell's infrastructure, for evidence packs. In AWS it
 * is the file the synth that built the deployment put beside the HIM API handler;
 * locally the stack synthesises the cell from this checkout when first asked.
 */
export interface InfraCheckReport {
  /**
   * @returns the report, or undefined when this deployment has none.
   * @throws AppError('nag-report-unavailable') when a report exists but cannot be read or made.
   */
  read(): Promise<NagReport | undefined>;
}
