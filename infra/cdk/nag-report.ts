import { createRequire } from 'node:module';
import { CfnResource, type Stack, Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { policyFileBytes, sha256Hex } from '../../shared/domain/evidence/manifest.js';
import type { NagReport, NagStackReport } from '../../shared/domain/evidence/nag-report.js';
import type { ResidencyPolicy } from '../../shared/domain/policy/model.js';
import type { CellStacks } from './cells.js';
import { nagPacks } from './nag.js';

const CDK_NAG_VERSION = String(
  (createRequire(import.meta.url)('cdk-nag/package.json') as { version: string }).version,
);

export interface NagReportOptions {
  source: NagReport['source'];
  generatedAt: Date;
  /** The residency policy the stacks were built from (the deploy settings' policy). */
  policy: ResidencyPolicy;
}

type Acknowledged = NagStackReport['acknowledged'][number];

/**
 * The cdk-nag report of one cell, from its stacks as an app synthesised them: the
 * packs `addCells` registers run again over each stack (`validateScope`), which gives
 * the violations (none, or the synth would have failed) and, by watching which
 * findings the pack finds acknowledged, every acknowledged finding with the reason
 * recorded in code. Only findings a rule raised are listed, not every id in scope.
 *
 * @example
 * const report = nagReport(cells[0], { source: NAG_REPORT_SOURCES.deployment, generatedAt: new Date(), policy });
 * @throws Error when cdk-nag no longer decides acknowledgements the way this reads them.
 */
export function nagReport(cell: CellStacks, options: NagReportOptions): NagReport {
  const packs = nagPacks();
  return {
    format: 'visitbridge-cdk-nag-report/1',
    source: options.source,
    generatedAt: options.generatedAt.toISOString(),
    cell: cell.cellId,
    region: cell.region,
    policy: { version: options.policy.policyVersion, hash: sha256Hex(policyFileBytes(options.policy)) },
    packs: packs.map((p) => ({ name: p.readPackName, tool: 'cdk-nag', version: CDK_NAG_VERSION })),
    stacks: [cell.stateful, cell.stateless].map((stack) => stackReport(stack, packs)),
  };
}

function stackReport(stack: Stack, packs: NagPack[]): NagStackReport {
  const acknowledged = new Map<string, Acknowledged>();
  const violations: NagStackReport['violations'] = [];
  for (const pack of packs) {
    const report = watchAcknowledgements(pack, (resource, rule) => {
      const found = acknowledgement(resource, rule);
      acknowledged.set(`${resource.node.path} ${rule}`, {
        rule,
        resource: resource.node.path,
        logicalId: String(stack.resolve(resource.logicalId)),
        reason: found.reason,
        acknowledgedOn: found.on,
      });
    }).validateScope(stack);
    violations.push(
      ...report.violations.map((v) => ({
        pack: pack.readPackName,
        rule: v.ruleName,
        description: v.description,
        resources: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '?'),
      })),
    );
  }
  const byResource = (a: Acknowledged, b: Acknowledged) =>
    a.resource.localeCompare(b.resource) || a.rule.localeCompare(b.rule);
  return {
    stack: stack.stackName,
    resourcesChecked: stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length,
    violations,
    acknowledged: [...acknowledged.values()].sort(byResource),
  };
}

type AcknowledgementCheck = (resource: CfnResource, ruleId: string) => boolean;

/**
 * The pack, reporting each finding it decides is acknowledged. cdk-nag asks its
 * `isAcknowledged` once per finding a rule raises, and only then; that is the one
 * place that knows which acknowledgements a rule actually met.
 */
function watchAcknowledgements(
  pack: NagPack,
  seen: (resource: CfnResource, ruleId: string) => void,
): NagPack {
  const hook = pack as unknown as { isAcknowledged?: AcknowledgementCheck };
  const decide = hook.isAcknowledged;
  if (typeof decide !== 'function')
    throw new Error(
      `cdk-nag ${CDK_NAG_VERSION} decides acknowledgements another way: infra/cdk/nag-report.ts cannot list them`,
    );
  hook.isAcknowledged = (resource, ruleId) => {
    const yes = decide.call(pack, resource, ruleId);
    if (yes) seen(resource, ruleId);
    return yes;
  };
  return pack;
}

/**
 * The reason an acknowledged finding stands and where it was acknowledged: the
 * nearest construct, from the resource up, whose acknowledged-rules metadata names
 * the rule, read as cdk-nag's `isAcknowledged` reads it.
 */
function acknowledgement(resource: CfnResource, rule: string): { reason: string; on: string } {
  for (let c: IConstruct | undefined = resource; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (id.replace(/^annotation::/i, '') === rule)
          return { reason: String(reason), on: c.node.path || '/' };
      }
    }
  }
  throw new Error(
    `${resource.node.path}: cdk-nag found ${rule} acknowledged, but no construct above says why`,
  );
}
