import { readFileSync } from 'node:fs';
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from 'aws-cdk-lib';

/** An AWS region name, e.g. eu-west-2, us-gov-west-1, ap-southeast-2. */
const REGION = /\b[a-z]{2}(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central)(?:east|west)?-\d\b/g;

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

export interface ResidencyFinding {
  resource: string;
  rule: 'no-replicas' | 'no-multi-region-key' | 'no-other-region';
  detail: string;
}

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
  }
}

/**
 * Finds everything in a cell template that could move data or keys out of
 * the cell's region: DynamoDB replicas, multi-Region or replica KMS keys, and any
 * mention of another region. `allowedUrls` (the cells' public endpoints, used for
 * forwarding and in CELL_ENDPOINTS) are removed from strings before the region scan.
 */
export function findResidencyViolations(
  template: Template,
  region: string,
  allowedUrls: string[],
): ResidencyFinding[] {
  const findings: ResidencyFinding[] = [];
  const allowed = [...allowedUrls].sort((a, b) => b.length - a.length);
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::DynamoDB::GlobalTable') {
      const replicas = (props.Replicas as { Region?: string }[] | undefined) ?? [];
      if (replicas.length > 1 || replicas.some((r) => r.Region !== undefined && r.Region !== region)) {
        findings.push({ resource: id, rule: 'no-replicas', detail: `table has ${replicas.length} replicas` });
      }
    }
    if (
      resource.Type === 'AWS::KMS::ReplicaKey' ||
      (resource.Type === 'AWS::KMS::Key' && props.MultiRegion === true)
    ) {
      findings.push({
        resource: id,
        rule: 'no-multi-region-key',
        detail: `${resource.Type} is multi-Region`,
      });
    }
    for (const [path, text] of strings(props, 'Properties')) {
      const rest = allowed.reduce((t, url) => t.split(url).join(''), text);
      const others = [...rest.matchAll(REGION)].map((m) => m[0]).filter((r) => r !== region);
      if (others.length > 0) {
        findings.push({
          resource: id,
          rule: 'no-other-region',
          detail: `${path} names ${[...new Set(others)].join(', ')}`,
        });
      }
    }
  }
  return findings;
}

/**
 * Synth-time residency guardrail, registered on the app next to cdk-nag: fails
 * synth when any cell stack has replicas, multi-Region keys or a reference to
 * another region (except the cells' public endpoint URLs).
 */
export class ResidencyGuardrails implements IPolicyValidationPlugin {
  readonly name = 'visitbridge-residency';

  constructor(private readonly allowedUrls: string[]) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const stack of context.stackTemplates ?? []) {
      if (!stack.region) {
        violations.push({
          ruleName: 'cell-has-region',
          description: `${stack.stackConstructPath} has no region; every cell stack must be pinned to its region`,
          violatingResources: [
            { resourceLogicalId: stack.stackConstructPath, templatePath: stack.templatePath, locations: [] },
          ],
        });
        continue;
      }
      const template = JSON.parse(readFileSync(stack.templatePath, 'utf8')) as Template;
      for (const f of findResidencyViolations(template, stack.region, this.allowedUrls)) {
        violations.push({
          ruleName: f.rule,
          description: `${stack.stackConstructPath}: ${f.detail} (cell region ${stack.region})`,
          violatingResources: [
            { resourceLogicalId: f.resource, templatePath: stack.templatePath, locations: [] },
          ],
        });
      }
    }
    return { success: violations.length === 0, violations };
  }
}
