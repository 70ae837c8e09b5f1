import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { allCellEndpoints } from '../../infra/cdk/context.js';
import { findResidencyViolations } from '../../infra/cdk/guardrails.js';
import { PATIENT_KEY_TABLE, patientKeyTableName } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { CELL_TABLE, cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import { prop, resourcesOfType, type SynthesisedCells, synthCells } from './synth-cells.js';

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
  '%s: the cell keys are single-Region; the data key and the trigger logs key rotate',
  (cell) => {
    // Act
    const keys = resourcesOfType(synth.template(`visitbridge-${cell}-stateful`), 'AWS::KMS::Key').map(
      ([, k]) => k,
    );
    // Assess
    const symmetric = keys.filter((k) => k.Properties?.KeySpec === undefined);
    const signing = keys.filter((k) => k.Properties?.KeySpec === 'ECC_NIST_P256');
    expect(symmetric.map((k) => k.Properties?.Description)).toEqual([
      expect.stringMatching(/wraps note data keys/),
      expect.stringMatching(/sign-in claims trigger's logs/),
    ]);
    for (const key of symmetric)
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, MultiRegion: false });
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
    // Assess: the data table, and the patient key table (tested below)
    expect(tables).toHaveLength(2);
    const table = tables.find((t) => t.Properties?.TableName === cellTableName(cell));
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

test.each(['uk', 'eu', 'us', 'ca', 'au'])(
  '%s: patient keys live in a table of their own, under the cell key, whose only backups expire after a week',
  (cell) => {
    // Prepare
    const template = synth.template(`visitbridge-${cell}-stateful`);
    const [keyId] = resourcesOfType(template, 'AWS::KMS::Key').find(([, k]) => !k.Properties?.KeySpec) ?? [];
    const name = patientKeyTableName(cellTableName(cell));
    // Act
    const tables = resourcesOfType(template, 'AWS::DynamoDB::GlobalTable');
    const [logicalId, table] = tables.find(([, t]) => t.Properties?.TableName === name) ?? [];
    const selections = resourcesOfType(template, 'AWS::Backup::BackupSelection').map(([, s]) =>
      JSON.stringify(s.Properties),
    );
    // Assess
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: PATIENT_KEY_TABLE.partitionKey, KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        {
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        },
      ],
    });
    expect(table?.Properties?.StreamSpecification).toBeUndefined();
    // No backup plan copies it: restoring the data table never restores a destroyed key.
    expect(selections.length).toBeGreaterThan(0);
    for (const s of selections) expect(s).not.toContain(logicalId);
  },
);

test('CELL_ENDPOINTS lists every cell; the own entry is the cell API unless context names one', () => {
  for (const { cellId, region } of synth.cells) {
    // Act
    const env = synth.environment(cellId, 'ingest');
    const endpoints = JSON.parse(env.CELL_ENDPOINTS ?? '{}') as Record<string, string>;
    // Assess
    expect(Object.keys(endpoints).sort()).toEqual([...cellIds()].sort());
    expect(endpoints[cellId]).toMatch(
      new RegExp(`^https://\\w+\\.execute-api\\.${region}\\.amazonaws\\.com/$`),
    );
    expect(env.PUBLIC_BASE_URL).toBe(endpoints[cellId]);
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
      Action: expect.arrayContaining(['dynamodb:*', 'kms:*', 'secretsmanager:*', 's3:*', 'lambda:*']),
      Condition: { StringNotEquals: { 'aws:RequestedRegion': region } },
    });
    // ingest, deliver, HIM API, digest, documents and retention
    expect(prop<unknown[]>(policy, 'Roles').length).toBe(6);
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
