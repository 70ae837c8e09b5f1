import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { findResidencyViolations, ResidencyGuardrails } from '../../infra/cdk/guardrails.js';

const UK_ENDPOINT = 'https://uk.visitbridge.example.com/';
const EU_API = 'https://abc.execute-api.eu-central-1.amazonaws.com/';

test('a table with a replica in another region is a finding', () => {
  // Prepare
  const template = {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: { Replicas: [{ Region: 'eu-west-2' }, { Region: 'us-east-1' }] },
      },
    },
  };
  // Act
  const findings = findResidencyViolations(template, 'eu-west-2', []);
  // Assess
  expect(findings.map((f) => f.rule)).toContain('no-replicas');
});

test('a multi-Region key and a replica key are findings', () => {
  // Prepare
  const template = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { MultiRegion: true } },
      Replica: { Type: 'AWS::KMS::ReplicaKey', Properties: {} },
    },
  };
  // Act
  const findings = findResidencyViolations(template, 'eu-west-2', []);
  // Assess
  expect(findings.map((f) => [f.resource, f.rule])).toEqual([
    ['Key', 'no-multi-region-key'],
    ['Replica', 'no-multi-region-key'],
  ]);
});

test('an ARN in another region is a finding; the same text inside an allowed endpoint URL is not', () => {
  // Prepare
  const template = {
    Resources: {
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: {
            Variables: {
              CELL_ENDPOINTS: JSON.stringify({ uk: UK_ENDPOINT, eu: EU_API }),
              OTHER: 'arn:aws:kms:eu-central-1:123456789012:key/abc',
            },
          },
        },
      },
    },
  };
  // Act
  const findings = findResidencyViolations(template, 'eu-west-2', [UK_ENDPOINT, EU_API]);
  // Assess
  expect(findings).toEqual([
    {
      resource: 'Fn',
      rule: 'no-other-region',
      detail: 'Properties.Environment.Variables.OTHER names eu-central-1',
    },
  ]);
});

test('synth fails when a cell stack holds a multi-Region key', () => {
  // Prepare
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'vb-guard-')) });
  const stack = new Stack(app, 'visitbridge-uk-stateful', { env: { region: 'eu-west-2' } });
  new Key(stack, 'Shared', { multiRegion: true });
  Validations.of(app).addPlugins(new ResidencyGuardrails([]));
  // Act
  const synth = () => app.synth();
  // Assess
  expect(synth).toThrow(/no-multi-region-key/);
});

test('synth of a cell-local stack passes the guardrails', () => {
  // Prepare
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'vb-guard-')) });
  const stack = new Stack(app, 'visitbridge-uk-stateful', { env: { region: 'eu-west-2' } });
  new Key(stack, 'CellKey', { enableKeyRotation: true });
  Validations.of(app).addPlugins(new ResidencyGuardrails([]));
  // Act
  const assembly = app.synth();
  // Assess
  expect(Object.keys(assembly.getStackByName('visitbridge-uk-stateful').template.Resources)).toHaveLength(1);
});
