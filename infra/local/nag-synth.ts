import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAG_REPORT_SOURCES } from '../../shared/domain/evidence/nag-report.js';
import { checkedNagReports } from '../cdk/synth.js';
import { PROJECT_ROOT } from './settings.js';

/**
 * `nag-synth.ts CELL POLICY_FILE`: prints the cdk-nag report of one cell of this
 * checkout as JSON, synthesised as `cdk synth` would (cdk.json's context, bundling
 * skipped) with the local stack's policy file. Run by LocalNagReport.
 */
const [cellId, policyFile] = process.argv.slice(2);
if (!cellId || !policyFile) {
  process.stderr.write('usage: nag-synth.ts CELL POLICY_FILE\n');
  process.exit(2);
}
const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};
const [report] = checkedNagReports(
  { ...cdkJson.context, policyFile, cells: [cellId] },
  PROJECT_ROOT,
  NAG_REPORT_SOURCES.local,
);
process.stdout.write(JSON.stringify(report));
