import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { readDeploySettings } from '../../infra/cdk/context.js';
import { PROJECT_ROOT, resourcesOfType, synthCells, variables } from './synth-cells.js';

function tempPolicy(edit: (policy: Record<string, unknown>) => void): string {
  const policy = JSON.parse(readFileSync(join(PROJECT_ROOT, 'policy/default-policy.json'), 'utf8'));
  edit(policy);
  const file = join(mkdtempSync(join(tmpdir(), 'vb-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

test('a bad residency policy fails synth naming the file and the problem', () => {
  // Prepare
  const file = tempPolicy((p) => {
    (p.jurisdictions as { region: string }[])[0] = {
      ...(p.jurisdictions as object[])[0],
      region: 'London',
    } as never;
  });
  const app = new App({ context: { policyFile: file } });
  // Act
  const read = () => readDeploySettings(app.node, PROJECT_ROOT);
  // Assess
  expect(read).toThrow(file);
  expect(read).toThrow(/jurisdictions\.0\.region/);
});

test('context "cells" narrows the cells; an unknown cell is an error', () => {
  // Prepare
  const narrowed = new App({ context: { cells: 'uk,au' } });
  const unknown = new App({ context: { cells: 'uk,mars' } });
  // Act
  const settings = readDeploySettings(narrowed.node, PROJECT_ROOT);
  // Assess
  expect(settings.cells.map((c) => c.id)).toEqual(['uk', 'au']);
  expect(() => readDeploySettings(unknown.node, PROJECT_ROOT)).toThrow(/mars/);
});

test('cellEndpoints from the command line (a JSON string) override the defaults', () => {
  // Prepare
  const app = new App({ context: { cellEndpoints: '{"uk":"https://uk.api.example.org/"}' } });
  // Act
  const settings = readDeploySettings(app.node, PROJECT_ROOT);
  // Assess
  expect(settings.cellEndpoints).toEqual({ uk: 'https://uk.api.example.org/' });
});

test('an external HIM issuer replaces the Cognito user pool in the JWT authorizer', () => {
  // Prepare
  const context = {
    cells: 'uk',
    himIssuer: 'https://login.example.org/',
    himAudience: 'visitbridge-him',
    cellEndpoints: { uk: 'https://uk.api.example.org/' },
  };
  // Act
  const synth = synthCells(context);
  // Assess
  const stateless = synth.template('visitbridge-uk-stateless');
  const [[, authorizer] = []] = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Authorizer');
  expect(authorizer?.Properties?.JwtConfiguration).toEqual({
    Issuer: 'https://login.example.org/',
    Audience: ['visitbridge-him'],
  });
  expect(resourcesOfType(synth.template('visitbridge-uk-stateful'), 'AWS::Cognito::UserPool')).toEqual([]);
  const [[, ingest] = []] = resourcesOfType(stateless, 'AWS::Lambda::Function').filter(([id]) =>
    id.startsWith('Fningest'),
  );
  expect(variables(ingest).PUBLIC_BASE_URL).toBe('https://uk.api.example.org/');
});
