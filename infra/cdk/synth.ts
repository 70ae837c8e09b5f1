import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import {
  NAG_REPORT_FILE,
  NAG_REPORT_SOURCES,
  type NagReport,
} from '../../shared/domain/evidence/nag-report.js';
import { addCells, type CellStacks } from './cells.js';
import { readDeploySettings } from './context.js';
import { nagReport } from './nag-report.js';

/** No stack is bundled (set after the CLI's context, which names the stacks to bundle). */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/**
 * Builds the cells `context` names in an app of their own and synthesises it
 * without bundling, so cdk-nag and the residency guardrails run and throw on any
 * finding exactly as in a deploy, and returns each cell's cdk-nag report. The
 * synthesised templates are thrown away. CDK's built-in CloudFormation template
 * validation (most of a synth's time) is left to the real synth: the report is
 * cdk-nag's.
 *
 * @throws Error on bad context (see readDeploySettings) or any finding of the checks.
 */
export function checkedNagReports(
  context: Record<string, unknown>,
  projectRoot: string,
  source: NagReport['source'],
): NagReport[] {
  const outdir = mkdtempSync(join(tmpdir(), 'visitbridge-nag-synth-'));
  try {
    const app = new App({
      outdir,
      context,
      postCliContext: NO_BUNDLING,
      autoSynth: false,
      builtinCloudFormationValidation: false,
    });
    const settings = readDeploySettings(app.node, projectRoot);
    const cells = addCells(app, settings, projectRoot);
    app.synth();
    const generatedAt = synthesisTime(process.env.SOURCE_DATE_EPOCH);
    return cells.map((cell) => nagReport(cell, { source, generatedAt, policy: settings.policy }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * When the report was made: `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds
 * convention; a pipeline sets it to the commit time) makes the bundle, and so a
 * deploy of an unchanged checkout, the same every time; otherwise now.
 *
 * @throws Error when `SOURCE_DATE_EPOCH` is set but not a whole number of seconds.
 */
export function synthesisTime(sourceDateEpoch: string | undefined, now = new Date()): Date {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') return now;
  if (!/^\d+$/.test(sourceDateEpoch)) {
    throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, not "${sourceDateEpoch}"`);
  }
  return new Date(Number(sourceDateEpoch) * 1000);
}

export interface SynthesisedApp {
  cells: CellStacks[];
  /** Cell id to the report file its HIM API bundle gets. */
  nagReportFiles: Record<string, string>;
  assembly: CloudAssembly;
}

/**
 * `cdk synth|deploy` in two passes. Pass 1 synthesises the same cells with the
 * same context in a throwaway app without bundling (the checks run and throw as
 * before) and writes each cell's cdk-nag report to `reportDir`; pass 2 builds
 * `app` itself, whose HIM API bundles copy their cell's report in
 * (`cdk-nag-report.json`), and synthesises it.
 *
 * @param reportDir where the reports go; by default a temporary folder, removed
 *   once the bundles hold their copies.
 * @throws Error on bad context or any finding of the checks (pass 1 fails first).
 */
export function synthWithNagReports(app: App, projectRoot: string, reportDir?: string): SynthesisedApp {
  const dir = reportDir ?? mkdtempSync(join(tmpdir(), 'visitbridge-nag-reports-'));
  try {
    const reports = checkedNagReports(app.node.getAllContext(), projectRoot, NAG_REPORT_SOURCES.deployment);
    const nagReportFiles: Record<string, string> = {};
    for (const report of reports) {
      const file = join(dir, `${report.cell}.${NAG_REPORT_FILE}`);
      writeFileSync(file, JSON.stringify(report));
      nagReportFiles[report.cell] = file;
    }
    const cells = addCells(app, readDeploySettings(app.node, projectRoot), projectRoot, { nagReportFiles });
    return { cells, nagReportFiles, assembly: app.synth() };
  } finally {
    if (!reportDir) rmSync(dir, { recursive: true, force: true });
  }
}
