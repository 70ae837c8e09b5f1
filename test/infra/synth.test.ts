import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type SynthesisedApp, synthesisTime, synthWithNagReports } from '../../infra/cdk/synth.js';
import { NAG_REPORT_FILE, NagReportSchema } from '../../shared/domain/evidence/nag-report.js';
import { type CfnTemplate, PROJECT_ROOT, resourcesOfType, variables } from './synth-cells.js';

let synthesised: SynthesisedApp;
let reportDir: string;

beforeAll(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'vb-nag-reports-'));
  // As `cdk synth -c cells=uk` would, but with bundling skipped: esbuild never runs.
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'vb-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [], cells: ['uk'] },
  });
  synthesised = synthWithNagReports(app, PROJECT_ROOT, reportDir);
});

const stateless = () => {
  const [uk] = synthesised.cells;
  if (!uk) throw new Error('no uk cell');
  return uk.stateless;
};

test('the first pass writes the cell’s cdk-nag report, made by the synth that builds the deployment', () => {
  // Act
  const file = synthesised.nagReportFiles.uk ?? '';
  const report = NagReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  // Assess
  expect(file.startsWith(reportDir)).toBe(true);
  expect(Object.keys(synthesised.nagReportFiles)).toEqual(['uk']);
  expect(report).toMatchObject({ cell: 'uk', source: 'synth that built this deployment' });
  expect(report.stacks.map((s) => s.stack)).toEqual(['visitbridge-uk-stateful', 'visitbridge-uk-stateless']);
});

test('the HIM API bundle hook copies that report beside the handler, where its environment points', () => {
  // Prepare
  const him = stateless().functions['him-api'];
  const template = synthesised.assembly.getStackByName('visitbridge-uk-stateless').template as CfnTemplate;
  const [[, fn] = []] = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
    id.startsWith('FnhimapiFunction'),
  );
  // Act
  const commands = him.afterBundling('/asset-output');
  const reportPath = String(variables(fn).NAG_REPORT_FILE);
  // Assess
  expect(commands).toContain(`cp "${synthesised.nagReportFiles.uk}" "/asset-output/${NAG_REPORT_FILE}"`);
  expect(commands.some((c) => c.endsWith('"/asset-output/policy.json"'))).toBe(true);
  expect(reportPath).toBe(`/var/task/${NAG_REPORT_FILE}`);
  expect(basename(reportPath)).toBe(NAG_REPORT_FILE);
});

test('no other function’s bundle gets the report', () => {
  for (const [kind, fn] of Object.entries(stateless().functions)) {
    if (kind === 'him-api') continue;
    // Act
    const commands = fn.afterBundling('/asset-output');
    // Assess
    expect(commands.filter((c) => c.includes(NAG_REPORT_FILE))).toEqual([]);
    expect(commands).toHaveLength(1);
  }
});

test('SOURCE_DATE_EPOCH fixes the report time, so an unchanged checkout bundles the same report', () => {
  // Prepare
  const now = new Date('2026-11-30T12:00:00Z');
  // Act and assess
  expect(synthesisTime('1764460800', now).toISOString()).toBe('2025-11-30T00:00:00.000Z');
  expect(synthesisTime(undefined, now)).toBe(now);
  expect(synthesisTime('', now)).toBe(now);
  expect(() => synthesisTime('yesterday', now)).toThrow(/SOURCE_DATE_EPOCH must be whole seconds/);
});
