import * as z from 'zod';
import { DeliverEnv } from '../../functions/deliver/env.js';
import { DigestEnv } from '../../functions/digest/env.js';
import { HimEnv } from '../../functions/him-api/env.js';
import { IngestEnv } from '../../functions/ingest/env.js';
import { RetentionEnv } from '../../functions/retention/env.js';
import { prop, resourcesOfType, type SynthesisedCells, synthCells } from './synth-cells.js';

let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells();
});

const SCHEMAS = {
  ingest: IngestEnv,
  deliver: DeliverEnv,
  himapi: HimEnv,
  digest: DigestEnv,
  retention: RetentionEnv,
} as const;

/** Read by Node, Powertools or the composition roots from the raw environment, not by the zod schemas. */
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL'];

function schemaKeys(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodIntersection) {
    return [...schemaKeys(schema.def.left as z.ZodType), ...schemaKeys(schema.def.right as z.ZodType)];
  }
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  throw new Error('schemaKeys handles objects and intersections only');
}

type Statement = { Action: string | string[]; Resource: unknown };

/** The rendered resources of the statements in a function's default policy that allow `action`. */
function resourcesAllowed(cellId: string, kind: string, action: string): string[] {
  const template = synth.template(`visitbridge-${cellId}-stateless`);
  const region = synth.cells.find((c) => c.cellId === cellId)?.region ?? '';
  const [[, policy] = []] = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) =>
    id.startsWith(`Fn${kind}FunctionServiceRoleDefaultPolicy`),
  );
  return prop<{ Statement: Statement[] }>(policy, 'PolicyDocument')
    .Statement.filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat().map((r) => synth.render(r, region)));
}

test.each(['ingest', 'deliver', 'himapi', 'digest', 'retention'] as const)(
  'the %s environment of every cell parses with its own schema once deployed values are filled in',
  (kind) => {
    for (const { cellId } of synth.cells) {
      // Prepare
      const env = synth.environment(cellId, kind);
      // Act
      const parsed = SCHEMAS[kind].safeParse(env);
      // Assess
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(env).toMatchObject({ CELL_ID: cellId, POLICY_FILE: '/var/task/policy.json' });
    }
  },
);

test.each(['ingest', 'deliver', 'himapi', 'digest', 'retention'] as const)(
  'every variable the %s function gets is one its schema or runtime reads (no typos)',
  (kind) => {
    // Prepare
    const known = new Set([...schemaKeys(SCHEMAS[kind]), ...RUNTIME_VARIABLES]);
    // Act
    const unknown = Object.keys(synth.environment('uk', kind)).filter((name) => !known.has(name));
    // Assess
    expect(unknown).toEqual([]);
  },
);

test('patient keys: ingest makes them, the worker only reads them, the HIM API reads, counts and destroys them', () => {
  // Prepare
  const table = 'arn:aws:dynamodb:eu-west-2:123456789012:table/visitbridge-uk-patient-keys';
  const allowed = (kind: string) =>
    [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ].filter((action) => resourcesAllowed('uk', kind, action).some((r) => r.startsWith(table)));
  // Act
  const grants = { ingest: allowed('ingest'), deliver: allowed('deliver'), himapi: allowed('himapi') };
  // Assess
  expect(grants).toEqual({
    ingest: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    deliver: ['dynamodb:GetItem'],
    himapi: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
  });
  expect(allowed('digest')).toEqual([]);
});

test('each cell has a forwarding secret under its cell key whose generated placeholder can never be a whsec_ value', () => {
  for (const { cellId } of synth.cells) {
    // Act
    const template = synth.template(`visitbridge-${cellId}-stateful`);
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret').map(([, s]) => s);
    const forwarding = secrets.find((s) => s.Properties?.Name === `visitbridge/${cellId}/forwarding`);
    // Assess
    const [cellKeyId] =
      resourcesOfType(template, 'AWS::KMS::Key').find(([, k]) => !k.Properties?.KeySpec) ?? [];
    expect(forwarding?.DeletionPolicy).toBe('Retain');
    expect(forwarding?.Properties).toMatchObject({
      KmsKeyId: { 'Fn::GetAtt': [cellKeyId, 'Arn'] },
      // No template and no punctuation: the generated value has no "whsec_" prefix, so ingest refuses it.
      GenerateSecretString: { ExcludePunctuation: true },
    });
    expect(prop<object>(forwarding, 'GenerateSecretString')).not.toHaveProperty('SecretStringTemplate');
  }
});

test('only ingest may read the forwarding secret, and its environment names that secret', () => {
  for (const { cellId } of synth.cells) {
    // Prepare
    const secretArn = synth.environment(cellId, 'ingest').FORWARD_SECRET_ARN;
    // Act
    const readers = ['ingest', 'deliver', 'himapi'].filter((kind) =>
      resourcesAllowed(cellId, kind, 'secretsmanager:GetSecretValue').includes(secretArn ?? ''),
    );
    // Assess
    expect(secretArn).toMatch(new RegExp(`:secret:visitbridge/${cellId}/forwarding-`));
    expect(readers).toEqual(['ingest']);
  }
});

test('the worker reads the SMART key secret, documented as JSON of PKCS8 PEMs per algorithm', () => {
  for (const { cellId } of synth.cells) {
    // Prepare
    const secretArn = synth.environment(cellId, 'deliver').SMART_PRIVATE_KEY_SECRET_ARN ?? '';
    const [, secret] =
      resourcesOfType(synth.template(`visitbridge-${cellId}-stateful`), 'AWS::SecretsManager::Secret').find(
        ([, s]) => s.Properties?.Name === `visitbridge/${cellId}/smart/private-key`,
      ) ?? [];
    // Act
    const readable = resourcesAllowed(cellId, 'deliver', 'secretsmanager:GetSecretValue');
    // Assess
    expect(readable).toContain(secretArn);
    expect(prop<string>(secret, 'Description')).toContain('{"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}');
  }
});

test('the HIM API checks the issuer and app client the JWT authorizer trusts, with the issuer JWKS and Cognito groups', () => {
  for (const { cellId, region } of synth.cells) {
    // Prepare
    const template = synth.template(`visitbridge-${cellId}-stateless`);
    const [[, authorizer] = []] = resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer');
    const jwt = prop<{ Issuer: unknown; Audience: unknown[] }>(authorizer, 'JwtConfiguration');
    // Act
    const env = synth.environment(cellId, 'himapi');
    // Assess
    expect(env.HIM_ISSUER).toBe(synth.render(jwt.Issuer, region));
    expect(env.HIM_ISSUER).toMatch(
      new RegExp(`^https://cognito-idp\\.${region}\\.amazonaws\\.com/${region}_`),
    );
    expect(jwt.Audience.map((a) => synth.render(a, region))).toEqual([env.HIM_AUDIENCE]);
    expect(env.HIM_JWKS_URL).toBe(`${env.HIM_ISSUER}/.well-known/jwks.json`);
    expect(env.HIM_ROLES_CLAIM).toBe('cognito:groups');
  }
});

test("the HIM API allows the browser origins the HTTP API's CORS allows: the cell's console", () => {
  for (const { cellId, region } of synth.cells) {
    // Prepare
    const [[, api] = []] = resourcesOfType(
      synth.template(`visitbridge-${cellId}-stateless`),
      'AWS::ApiGatewayV2::Api',
    );
    const cors = prop<{ AllowOrigins: unknown[] }>(api, 'CorsConfiguration');
    // Act
    const origins = synth.environment(cellId, 'himapi').HIM_CORS_ORIGINS?.split(',');
    // Assess
    expect(origins).toEqual(cors.AllowOrigins.map((o) => synth.render(o, region)));
    expect(origins).toEqual([expect.stringMatching(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/)]);
  }
});
