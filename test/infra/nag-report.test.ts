import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nagReport } from '../../infra/cdk/nag-report.js';
import type { VisitNoteEvent } from '../../shared/domain/event/schema.js';
import {
  NAG_REPORT_SOURCES,
  type NagReport,
  NagReportSchema,
} from '../../shared/domain/evidence/nag-report.js';
import { phiStrings } from '../helpers/phi.js';
import { PROJECT_ROOT, type SynthesisedCells, synthCells } from './synth-cells.js';

let synth: SynthesisedCells;
let report: NagReport;

beforeAll(() => {
  synth = synthCells({ cells: ['uk'] });
  const [uk] = synth.cells;
  if (!uk) throw new Error('no uk cell');
  report = nagReport(uk, {
    source: NAG_REPORT_SOURCES.deployment,
    generatedAt: new Date('2026-11-30T12:00:00Z'),
    policy: synth.settings.policy,
  });
});

const acknowledged = () => report.stacks.flatMap((s) => s.acknowledged);

test('a cell’s report covers its stateful and stateless stacks, both packs, and no violations', () => {
  // Assess
  expect(report).toMatchObject({
    cell: 'uk',
    region: 'eu-west-2',
    source: 'synth that built this deployment',
  });
  expect(report.packs.map((p) => p.name)).toEqual(['AwsSolutions', 'HIPAA.Security']);
  expect(report.packs[0]?.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(report.stacks.map((s) => s.stack)).toEqual(['visitbridge-uk-stateful', 'visitbridge-uk-stateless']);
  for (const stack of report.stacks) {
    const template = synth.template(stack.stack);
    expect(stack.resourcesChecked).toBe(Object.keys(template.Resources).length);
    expect(stack.violations).toEqual([]);
  }
  expect(report.policy.version).toBe(synth.settings.policy.policyVersion);
});

test('every acknowledged finding names a resource of its template, its rule and a reason', () => {
  for (const stack of report.stacks) {
    // Prepare
    const resources = synth.template(stack.stack).Resources;
    for (const finding of stack.acknowledged) {
      // Assess
      expect(resources[finding.logicalId]).toBeDefined();
      expect(finding.resource.startsWith(`${stack.stack}/`)).toBe(true);
      expect(finding.resource.startsWith(finding.acknowledgedOn)).toBe(true);
      expect(finding.rule).toMatch(/^(AwsSolutions|HIPAA\.Security)-\w+/);
      expect(finding.reason.trim().length).toBeGreaterThan(20);
    }
  }
  expect(acknowledged().length).toBeGreaterThan(50);
});

test('lists the IAM5 wildcards acknowledged in grants.ts with their reason', () => {
  // Act
  const senderSecrets = acknowledged().filter(
    (f) => f.rule.startsWith('AwsSolutions-IAM5[') && f.rule.includes(':secret:visitbridge/uk/senders/*'),
  );
  // Assess
  expect(senderSecrets.map((f) => f.acknowledgedOn).sort()).toEqual([
    'visitbridge-uk-stateless/Fn-deliver/Function',
    'visitbridge-uk-stateless/Fn-ingest/Function',
  ]);
  for (const f of senderSecrets) {
    expect(f.resource).toBe(`${f.acknowledgedOn}/ServiceRole/DefaultPolicy/Resource`);
    expect(f.reason).toMatch(/^Sender secrets are created per sender by the operator/);
  }
});

test('lists a finding only where a rule raised it, not on every resource the acknowledgement covers', () => {
  // Act: AwsSolutions-L1 (runtime) is acknowledged on each function construct, which also holds its role
  const runtime = acknowledged().filter((f) => f.rule === 'AwsSolutions-L1');
  // Assess
  expect(runtime.length).toBeGreaterThan(0);
  for (const f of runtime) expect(f.resource).toBe(`${f.acknowledgedOn}/Resource`);
});

test('holds construct paths, rule ids and reasons only: no PHI, secret or key material', () => {
  // Prepare
  const fixture = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/fixtures/visit-note.json'), 'utf8'),
  ) as VisitNoteEvent;
  const text = JSON.stringify(report);
  // Assess: nothing beyond the published shape (no resource properties, no environment)
  expect(NagReportSchema.parse(report)).toEqual(report);
  for (const s of phiStrings(fixture)) expect(text).not.toContain(s);
  expect(text).not.toMatch(/-----BEGIN|whsec_|"(d|p|q|dp|dq|qi)":|SecretString|AKIA[0-9A-Z]{16}/);
});
