import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
  /** A template value as the deployed stack in `region` sees it (renderIntrinsic with the stateful exports resolved). */
  render(value: unknown, region: string): string;
  /** The rendered environment of the cell function whose logical id starts with `Fn<kind>`, plus Lambda's AWS_REGION. */
  environment(
    cellId: string,
    kind: 'ingest' | 'deliver' | 'himapi' | 'digest' | 'retention',
  ): Record<string, string>;
}

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
export type CfnTemplate = {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
};

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
  const template = (stackName: string) => assembly.getStackByName(stackName).template as CfnTemplate;
  const exports = new Map<string, { template: CfnTemplate; value: unknown }>();
  for (const { cellId } of cells) {
    const stateful = template(`visitbridge-${cellId}-stateful`);
    for (const output of Object.values(stateful.Outputs ?? {})) {
      if (output.Export) exports.set(output.Export.Name, { template: stateful, value: output.Value });
    }
  }
  const render = (value: unknown, region: string): string =>
    renderIntrinsic(value, region, (name) => {
      const exported = exports.get(name);
      if (!exported) throw new Error(`no stateful stack exports ${name}`);
      return exportStandIn(exported.template, exported.value, region);
    });
  return {
    app,
    settings,
    cells,
    assembly,
    template,
    render,
    environment: (cellId, kind) => {
      const stack = cells.find((c) => c.cellId === cellId);
      if (!stack) throw new Error(`no cell ${cellId}`);
      const fns = resourcesOfType(template(`visitbridge-${cellId}-stateless`), 'AWS::Lambda::Function');
      const [, fn] = fns.find(([id]) => id.startsWith(`Fn${kind}Function`)) ?? [];
      const rendered = Object.entries(variables(fn)).map(([k, v]) => [k, render(v, stack.region)]);
      return { ...Object.fromEntries(rendered), AWS_REGION: stack.region };
    },
  };
}

/**
 * What a stateful export resolves to once deployed, by the type of the resource
 * it names, in the form AWS gives it (ARNs for secrets and keys, ids for Cognito).
 * @throws Error for an export of a kind not listed, so a new import gets a deliberate stand-in.
 */
function exportStandIn(template: CfnTemplate, value: unknown, region: string): string {
  const node = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const [id, attribute] = node.Ref ? [node.Ref, 'Ref'] : (node['Fn::GetAtt'] ?? ['', '']);
  const resource = template.Resources[id];
  const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:123456789012:${rest}`;
  switch (`${resource?.Type} ${attribute}`) {
    case 'AWS::SecretsManager::Secret Ref':
      return arn('secretsmanager', `secret:${String(resource?.Properties?.Name)}-AbCdEf`);
    case 'AWS::KMS::Key Arn':
      return arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
    case 'AWS::DynamoDB::GlobalTable StreamArn':
      return arn(
        'dynamodb',
        `table/${String(resource?.Properties?.TableName)}/stream/2026-01-01T00:00:00.000`,
      );
    case 'AWS::Cognito::UserPool Ref':
      return `${region}_AbCdEf123`;
    case 'AWS::Cognito::UserPoolClient Ref':
      return '1example23456789abcdefghij';
    case 'AWS::Cognito::UserPoolDomain Ref':
      return renderIntrinsic(resource?.Properties?.Domain, region);
    default:
      throw new Error(`no stand-in for an export of ${resource?.Type} ${attribute}`);
  }
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
 * the API endpoint) and `importValue` for cross-stack imports, so a function's
 * environment can be parsed with its zod schema.
 */
export function renderIntrinsic(
  value: unknown,
  region: string,
  importValue: (name: string) => string = () => 'imported',
): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => renderIntrinsic(p, region, importValue)).join(separator);
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
  if ('Fn::ImportValue' in node) return importValue(String(node['Fn::ImportValue']));
  if ('Fn::GetAtt' in node) {
    const [resource, attribute] = node['Fn::GetAtt'] as [string, string];
    if (attribute === 'ApiEndpoint') return `https://a1b2c3d4e5.execute-api.${region}.amazonaws.com`;
    if (attribute === 'DomainName') return `d${resource.length}abcdef.cloudfront.net`;
    return attribute;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The console's config.json as deployed: the asset file with the deployment's markers filled in. */
export function consoleConfig(s: SynthesisedCells, cellId: string): unknown {
  const template = s.template(`visitbridge-${cellId}-stateless`);
  const region = s.cells.find((c) => c.cellId === cellId)?.region ?? '';
  const [[, deployment] = []] = resourcesOfType(template, 'Custom::CDKBucketDeployment');
  const keys = prop<string[]>(deployment, 'SourceObjectKeys');
  const markers = (deployment?.Properties?.SourceMarkers ?? []) as Record<string, unknown>[];
  const files = keys.map((key) =>
    join(s.assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'),
  );
  const index = files.findIndex((f) => existsSync(f));
  const file = files[index];
  if (!file) throw new Error(`${cellId}: the console deployment has no config.json`);
  let text = readFileSync(file, 'utf8');
  for (const [marker, value] of Object.entries(markers[index] ?? {})) {
    text = text.split(marker).join(s.render(value, region));
  }
  return JSON.parse(text);
}
