import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addCells, type CellStacks } from '../../infra/cdk/cells.js';
import { type DeploySettings, readDeploySettings } from '../../infra/cdk/context.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SynthesisedCells {
  app: App;
  settings: DeploySettings;
  cells: CellStacks[];
  assembly: CloudAssembly;
  template(stackName: string): CfnTemplate;
}

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
export type CfnTemplate = { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };

/**
 * Builds the app exactly as `cdk synth` does (same context keys, same checks:
 * cdk-nag and residency guardrails run and throw on any finding), but skips
 * esbuild bundling so every test file synthesises all cells in a few seconds.
 */
export function synthCells(context: Record<string, unknown> = {}): SynthesisedCells {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'vb-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  const settings = readDeploySettings(app.node, PROJECT_ROOT);
  const cells = addCells(app, settings, PROJECT_ROOT);
  const assembly = app.synth();
  return {
    app,
    settings,
    cells,
    assembly,
    template: (stackName) => assembly.getStackByName(stackName).template as CfnTemplate,
  };
}

/** The resources of one CloudFormation type in a template, keyed by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** A property of a resource, or a thrown error naming it when the resource or property is missing. */
export function prop<T>(resource: CfnResource | undefined, name: string): T {
  const value = resource?.Properties?.[name];
  if (value === undefined) throw new Error(`resource has no property ${name}`);
  return value as T;
}

/** The environment variables of a function resource. */
export function variables(fn: CfnResource | undefined): Record<string, unknown> {
  return prop<{ Variables: Record<string, unknown> }>(fn, 'Environment').Variables;
}

/**
 * Renders a CloudFormation value as a deployed stack would see it, with
 * plausible stand-ins for what only exists after deployment (resource ids,
 * imported ARNs), so a function's environment can be parsed with its zod schema.
 */
export function renderIntrinsic(value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => renderIntrinsic(p, region)).join(separator);
  }
  if ('Ref' in node) {
    const ref = String(node.Ref);
    const pseudo: Record<string, string> = {
      'AWS::Region': region,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::Partition': 'aws',
      'AWS::AccountId': '123456789012',
    };
    return pseudo[ref] ?? `${ref.toLowerCase().slice(0, 10)}`;
  }
  if ('Fn::ImportValue' in node) {
    const name = String(node['Fn::ImportValue']);
    return /Arn|Ref/.test(name)
      ? `arn:aws:imported:${region}:123456789012:${name.replace(/[^A-Za-z0-9]/g, '')}`
      : 'imported';
  }
  if ('Fn::GetAtt' in node) {
    const [, attribute] = node['Fn::GetAtt'] as [string, string];
    return attribute === 'ApiEndpoint' ? `https://a1b2c3d4e5.execute-api.${region}.amazonaws.com` : attribute;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}
