import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { DeliverEnv } from '../../functions/deliver/env.js';
import { readDeploySettings } from '../../infra/cdk/context.js';
import { PROJECT_ROOT, resourcesOfType, synthCells } from './synth-cells.js';

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
  expect(read).toThrow(/jurisdictions\[0\]\.region/);
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

test('context values that would misroute are errors: unknown cells or EHR targets, a base URL without its slash', () => {
  // Prepare
  const contexts = [
    { cellEndpoints: { mars: 'https://mars.example.org/' } },
    { cellEndpoints: { uk: 'https://uk.example.org/api' } },
    { cellEndpoints: { uk: 'http://uk.example.org/' } },
    { ehrEndpoints: { 'no-such-ehr': { baseUrl: 'https://fhir.example.org/r4' } } },
    { logLevel: 'CHATTY' },
  ];
  // Act
  const errors = contexts.map((context) => {
    try {
      readDeploySettings(new App({ context }).node, PROJECT_ROOT);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  });
  // Assess
  expect(errors).toEqual([
    expect.stringContaining('unknown cells mars'),
    expect.stringContaining('ending with /'),
    expect.stringContaining('https URL'),
    expect.stringContaining('unknown EHR targets no-such-ehr'),
    expect.stringContaining('"logLevel"'),
  ]);
});

test('an external HIM issuer replaces the Cognito user pool in the authorizer and the HIM API; ehrEndpoints reach the worker', () => {
  // Prepare
  const ehrEndpoints = {
    'uk-ehr': {
      baseUrl: 'https://fhir.uk-trust.example.org/r4',
      tokenUrl: 'https://fhir.uk-trust.example.org/token',
    },
  };
  const context = {
    cells: 'uk',
    himIssuer: 'https://login.example.org/',
    himAudience: 'visitbridge-him,visitbridge-cli',
    himRolesClaim: 'roles',
    cellEndpoints: { uk: 'https://uk.api.example.org/' },
    ehrEndpoints: JSON.stringify(ehrEndpoints),
  };
  // Act
  const synth = synthCells(context);
  // Assess
  const stateless = synth.template('visitbridge-uk-stateless');
  const [[, authorizer] = []] = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Authorizer');
  expect(authorizer?.Properties?.JwtConfiguration).toEqual({
    Issuer: 'https://login.example.org/',
    Audience: ['visitbridge-him', 'visitbridge-cli'],
  });
  expect(resourcesOfType(synth.template('visitbridge-uk-stateful'), 'AWS::Cognito::UserPool')).toEqual([]);
  expect(synth.environment('uk', 'himapi')).toMatchObject({
    HIM_ISSUER: 'https://login.example.org/',
    HIM_AUDIENCE: 'visitbridge-him',
    HIM_JWKS_URL: 'https://login.example.org/.well-known/jwks.json',
    HIM_ROLES_CLAIM: 'roles',
  });
  expect(synth.environment('uk', 'ingest').PUBLIC_BASE_URL).toBe('https://uk.api.example.org/');
  const deliver = DeliverEnv.parse(synth.environment('uk', 'deliver'));
  expect(deliver.EHR_ENDPOINTS).toEqual(ehrEndpoints);
});

test('context "smartPublicJwks" publishes public keys only, per known cell', () => {
  // Prepare
  const key = { kty: 'EC', crv: 'P-384', x: 'x', y: 'y', kid: 'k1', alg: 'ES384', use: 'sig' };
  const good = new App({ context: { smartPublicJwks: JSON.stringify({ uk: { keys: [key] } }) } });
  const privateMember = new App({
    context: { smartPublicJwks: { uk: { keys: [{ ...key, d: 'secret' }] } } },
  });
  const unknownCell = new App({ context: { smartPublicJwks: { mars: { keys: [key] } } } });
  // Act
  const settings = readDeploySettings(good.node, PROJECT_ROOT);
  // Assess
  expect(settings.smartPublicJwks.uk?.keys[0]?.kid).toBe('k1');
  expect(() => readDeploySettings(privateMember.node, PROJECT_ROOT)).toThrow(/private key member/);
  expect(() => readDeploySettings(unknownCell.node, PROJECT_ROOT)).toThrow(/unknown cell mars/);
});
