import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { allCellEndpoints } from '../../infra/cdk/context.js';
import { findResidencyViolations } from '../../infra/cdk/guardrails.js';
import { CELL_TABLE, cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import { CellEnv, IngestEnv } from '../../shared/config/env.js';
import {
  prop,
  renderIntrinsic,
  resourcesOfType,
  type SynthesisedCells,
  synthCells,
  variables,
} from './synth-cells.js';

let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells();
});

const cellIds = () => synth.cells.map((c) => c.cellId);

test('synthesises a stateful and a stateless stack per default cell, each in its own region', () => {
  // Prepare
  const expected = synth.settings.policy.jurisdictions.map((j) => [j.id, j.region]);
  // Act
  const stacks = synth.cells.map((c) => [c.cellId, c.stateful.region, c.stateless.region]);
  // Assess
  expect(stacks).toEqual(expected.map(([id, region]) => [id, region, region]));
  for (const { cellId } of synth.cells) {
    expect(synth.assembly.getStackByName(`visitbridge-${cellId}-stateful`)).toBeDefined();
    expect(synth.assembly.getStackByName(`visitbridge-${cellId}-stateless`)).toBeDefined();
  }
});

test.each(['uk', 'eu', 'us', 'ca', 'au'])(
  '%s: the cell keys are single-Region; the data key rotates',
  (cell) => {
    // Act
    const keys = resourcesOfType(synth.template(`visitbridge-${cell}-stateful`), 'AWS::KMS::Key').map(
      ([, k]) => k,
    );
    // Assess
    const symmetric = keys.filter((k) => k.Properties?.KeySpec === undefined);
    const signing = keys.filter((k) => k.Properties?.KeySpec === 'ECC_NIST_P256');
    expect(symmetric).toHaveLength(1);
    expect(symmetric[0]?.Properties).toMatchObject({ EnableKeyRotation: true, MultiRegion: false });
    expect(signing[0]?.Properties).toMatchObject({ KeyUsage: 'SIGN_VERIFY', MultiRegion: false });
    for (const key of keys) expect(key.DeletionPolicy).toBe('Retain');
  },
);

test.each(['uk', 'eu', 'us', 'ca', 'au'])(
  '%s: the table follows CELL_TABLE, uses the cell key, PITR, deletion protection and a stream',
  (cell) => {
    // Prepare
    const template = synth.template(`visitbridge-${cell}-stateful`);
    const [keyId] = resourcesOfType(template, 'AWS::KMS::Key').find(([, k]) => !k.Properties?.KeySpec) ?? [];
    // Act
    const tables = resourcesOfType(template, 'AWS::DynamoDB::GlobalTable').map(([, t]) => t);
    // Assess
    expect(tables).toHaveLength(1);
    const table = tables[0];
    const region = synth.cells.find((c) => c.cellId === cell)?.region;
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: cellTableName(cell),
      KeySchema: [
        { AttributeName: CELL_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: CELL_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: CELL_TABLE.streamView },
      TimeToLiveSpecification: { AttributeName: CELL_TABLE.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        {
          Region: region,
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        },
      ],
    });
    const indexes = prop<{ IndexName: string }[]>(table, 'GlobalSecondaryIndexes').map((g) => g.IndexName);
    expect(indexes).toEqual(CELL_TABLE.globalIndexes.map((g) => g.name));
  },
);

test('every function environment parses with its zod schema once deployed values are filled in', () => {
  for (const { cellId, region } of synth.cells) {
    // Prepare
    const template = synth.template(`visitbridge-${cellId}-stateless`);
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('Fn'),
    );
    expect(functions.map(([id]) => id.replace(/Function.*$/, '')).sort()).toEqual([
      'Fndeliver',
      'Fnhimapi',
      'Fningest',
    ]);
    for (const [id, fn] of functions) {
      const raw = variables(fn);
      const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, renderIntrinsic(v, region)]));
      // Act
      const parsed = (id.startsWith('Fningest') ? IngestEnv : CellEnv).safeParse({
        ...env,
        AWS_REGION: region,
      });
      // Assess
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(env).toMatchObject({
        CELL_ID: cellId,
        TABLE_NAME: cellTableName(cellId),
        POLICY_FILE: '/var/task/policy.json',
      });
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(fn.Properties?.ReservedConcurrentExecutions).toBeGreaterThan(0);
    }
  }
});

test('CELL_ENDPOINTS lists every cell; the own entry is the cell API unless context names one', () => {
  for (const { cellId, region } of synth.cells) {
    // Prepare
    const template = synth.template(`visitbridge-${cellId}-stateless`);
    const [, ingest] =
      resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('Fningest')) ?? [];
    const raw = variables(ingest);
    // Act
    const endpoints = JSON.parse(renderIntrinsic(raw.CELL_ENDPOINTS, region)) as Record<string, string>;
    // Assess
    expect(Object.keys(endpoints).sort()).toEqual([...cellIds()].sort());
    expect(endpoints[cellId]).toMatch(
      new RegExp(`^https://\\w+\\.execute-api\\.${region}\\.amazonaws\\.com/$`),
    );
    expect(renderIntrinsic(raw.PUBLIC_BASE_URL, region)).toBe(endpoints[cellId]);
  }
});

test('no resource of a cell names another region, except the cell endpoint URLs', () => {
  const allowed = Object.values(allCellEndpoints(synth.settings));
  for (const { cellId, region } of synth.cells) {
    for (const kind of ['stateful', 'stateless']) {
      // Act
      const findings = findResidencyViolations(
        synth.template(`visitbridge-${cellId}-${kind}`),
        region,
        allowed,
      );
      // Assess
      expect(findings).toEqual([]);
    }
  }
});

test('HIM routes require the JWT authorizer; sender routes are authenticated by their signature instead', () => {
  for (const { cellId } of synth.cells) {
    // Prepare
    const template = synth.template(`visitbridge-${cellId}-stateless`);
    // Act
    const routes = Object.fromEntries(
      resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
        r.Properties?.RouteKey,
        r.Properties,
      ]),
    );
    const [authorizer] = resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer').map(
      ([, a]) => a.Properties,
    );
    // Assess
    expect(Object.keys(routes).sort()).toEqual([
      'ANY /v1/him/{proxy+}',
      'GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery',
      'POST /v1/webhooks/{senderId}',
    ]);
    expect(routes['ANY /v1/him/{proxy+}']).toMatchObject({ AuthorizationType: 'JWT' });
    expect(routes['POST /v1/webhooks/{senderId}']).toMatchObject({ AuthorizationType: 'NONE' });
    expect(routes['GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery']).toMatchObject({
      AuthorizationType: 'NONE',
    });
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  }
});

test('the delivery worker consumes only outbox items, reports item failures and dead-letters what still fails', () => {
  for (const { cellId } of synth.cells) {
    // Act
    const [mapping] = resourcesOfType(
      synth.template(`visitbridge-${cellId}-stateless`),
      'AWS::Lambda::EventSourceMapping',
    );
    // Assess
    const props = mapping?.[1].Properties ?? {};
    expect(props).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 8,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    const pattern = JSON.parse(
      (props.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]?.Pattern ?? '{}',
    );
    expect(pattern.dynamodb).toEqual({ Keys: { pk: { S: [{ prefix: 'OUTBOX#' }] } } });
  }
});

test('function roles may not touch data services outside the cell region', () => {
  for (const { cellId, region } of synth.cells) {
    // Act
    const [[, policy] = []] = resourcesOfType(
      synth.template(`visitbridge-${cellId}-stateless`),
      'AWS::IAM::ManagedPolicy',
    );
    // Assess
    const statement = prop<{ Statement: unknown[] }>(policy, 'PolicyDocument').Statement[0];
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining(['dynamodb:*', 'kms:*', 'secretsmanager:*']),
      Condition: { StringNotEquals: { 'aws:RequestedRegion': region } },
    });
    expect(prop<unknown[]>(policy, 'Roles').length).toBe(3);
  }
});

test('cdk-nag AwsSolutions and HIPAA Security packs report nothing unacknowledged', () => {
  // Act
  const reports = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].map((pack) =>
    pack.validateScope(synth.app),
  );
  // Assess
  const findings = reports.flatMap((r) =>
    r.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((x) => x.constructPath).join(', ')}`),
  );
  expect(findings).toEqual([]);
});
