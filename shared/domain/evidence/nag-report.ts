import * as z from 'zod';

/** The report's name beside the HIM API handler (copied there by the bundling hook) and in an evidence pack. */
export const NAG_REPORT_FILE = 'cdk-nag-report.json';

/** Where a report was made: stated in it, so a pack never passes a checkout's report off as the deployment's. */
export const NAG_REPORT_SOURCES = {
  deployment: 'synth that built this deployment',
  local: 'local synth of this checkout',
} as const;

const Violation = z.object({
  pack: z.string().min(1),
  rule: z.string().min(1),
  description: z.string(),
  /** Construct paths of the resources that break the rule. */
  resources: z.array(z.string()),
});

const Acknowledged = z.object({
  /** The finding's id as cdk-nag prints it, e.g. `AwsSolutions-IAM5[Action::s3:List*]`. */
  rule: z.string().min(1),
  /** Construct path of the resource the finding is on. */
  resource: z.string().min(1),
  /** Its logical id in the stack's template. */
  logicalId: z.string().min(1),
  /** Why the finding stands, as acknowledged in code. */
  reason: z.string().min(1),
  /** Construct path of the construct the acknowledgement was made on (the resource or an ancestor). */
  acknowledgedOn: z.string().min(1),
});

const StackReport = z.object({
  stack: z.string().min(1),
  /** CloudFormation resources each pack checked. */
  resourcesChecked: z.int().min(0),
  violations: z.array(Violation),
  acknowledged: z.array(Acknowledged),
});

/**
 * The cdk-nag report of one cell: which packs ran over its two stacks, how many
 * resources they checked, what they found, and every finding acknowledged in code
 * with its reason. Made from the synthesised construct tree (`infra/cdk/nag-report.ts`);
 * holds construct paths, rule ids and reasons, never data.
 */
export const NagReportSchema = z.object({
  format: z.literal('visitbridge-cdk-nag-report/1'),
  source: z.enum([NAG_REPORT_SOURCES.deployment, NAG_REPORT_SOURCES.local]),
  generatedAt: z.iso.datetime(),
  cell: z.string().min(1),
  region: z.string().min(1),
  /** The residency policy the stacks were synthesised with: SHA-256 as the manifest's `policyHash`. */
  policy: z.object({ version: z.string(), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  packs: z.array(
    z.object({ name: z.string().min(1), tool: z.literal('cdk-nag'), version: z.string().min(1) }),
  ),
  stacks: z.array(StackReport).min(1),
});
export type NagReport = z.infer<typeof NagReportSchema>;
export type NagStackReport = z.infer<typeof StackReport>;

/** The counts an evidence report shows of a cdk-nag report: per stack (violations by resource) and in total. */
export function nagCounts(report: NagReport) {
  const stacks = report.stacks.map((s) => ({
    stack: s.stack,
    resourcesChecked: s.resourcesChecked,
    violations: s.violations.reduce((n, v) => n + v.resources.length, 0),
    acknowledged: s.acknowledged.length,
  }));
  const sum = (key: 'resourcesChecked' | 'violations' | 'acknowledged') =>
    stacks.reduce((n, s) => n + s[key], 0);
  return {
    stacks,
    total: {
      stacks: stacks.length,
      resourcesChecked: sum('resourcesChecked'),
      violations: sum('violations'),
      acknowledged: sum('acknowledged'),
    },
  };
}
