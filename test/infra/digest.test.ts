import { App } from 'aws-cdk-lib';
import { readDeploySettings } from '../../infra/cdk/context.js';
import {
  type CfnResource,
  type CfnTemplate,
  PROJECT_ROOT,
  prop,
  resourcesOfType,
  type SynthesisedCells,
  synthCells,
} from './synth-cells.js';

let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells();
});

const CELLS = ['uk', 'eu', 'us', 'ca', 'au'];
const regionOf = (cell: string) => synth.cells.find((c) => c.cellId === cell)?.region ?? '';

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown };

const statementsOf = (policy: CfnResource | undefined): Statement[] =>
  prop<{ Statement: Statement[] }>(policy, 'PolicyDocument').Statement;

/** Whether an Allow statement lets its holder call `action` (exact, or through a wildcard). */
function allows(statement: Statement, action: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const [service] = action.split(':');
  return [statement.Action]
    .flat()
    .some(
      (a) =>
        a === action ||
        a === '*' ||
        a === `${service}:*` ||
        (a.endsWith('*') && action.startsWith(a.slice(0, -1))),
    );
}

/** Logical ids of the roles holding an IAM policy statement that allows `action`, across every stack. */
function rolesAllowed(action: string): string[] {
  const roles: string[] = [];
  for (const stack of synth.assembly.stacks) {
    const template = stack.template as CfnTemplate;
    const policies = [
      ...resourcesOfType(template, 'AWS::IAM::Policy'),
      ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy'),
    ];
    for (const [id, policy] of policies) {
      const statements = statementsOf(policy);
      if (!statements.some((s) => allows(s, action))) continue;
      const attached = (policy.Properties?.Roles ?? []) as Array<{ Ref: string }>;
      roles.push(
        ...(attached.length > 0
          ? attached.map((r) => `${stack.stackName}/${r.Ref}`)
          : [`${stack.stackName}/${id}`]),
      );
    }
    for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
      const inline = (role.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Statement[] };
      }>;
      if (inline.some((p) => p.PolicyDocument.Statement.some((s) => allows(s, action))))
        roles.push(`${stack.stackName}/${id}`);
    }
  }
  return roles.sort();
}

const digestRole = (cell: string) => {
  const template = synth.template(`visitbridge-${cell}-stateless`);
  const [id] =
    resourcesOfType(template, 'AWS::IAM::Role').find(([roleId]) =>
      roleId.startsWith('FndigestFunctionServiceRole'),
    ) ?? [];
  return `visitbridge-${cell}-stateless/${id}`;
};

const digestBucket = (cell: string): CfnResource | undefined =>
  resourcesOfType(synth.template(`visitbridge-${cell}-stateful`), 'AWS::S3::Bucket').find(([, b]) =>
    JSON.stringify(b.Properties?.BucketName ?? '').includes(`visitbridge-${cell}-digests-`),
  )?.[1];

test.each(CELLS)(
  '%s: the digest bucket is versioned, Object Lock COMPLIANCE for the longer of 6 years and the policy’s digests schedule, encrypted, private, TLS only, retained, in the cell region',
  (cell) => {
    // Prepare
    const days = synth.settings.policy.jurisdictions.find((j) => j.id === cell)?.retention.days.digests ?? 0;
    // Act
    const bucket = digestBucket(cell);
    // Assess
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: Math.max(6, Math.ceil(days / 365)) } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: `digests/${cell}/` },
    });
    expect(synth.render(bucket?.Properties?.BucketName, regionOf(cell))).toBe(
      `visitbridge-${cell}-digests-123456789012-${regionOf(cell)}`,
    );
    expect(synth.cells.find((c) => c.cellId === cell)?.stateful.region).toBe(regionOf(cell));
  },
);

test.each(CELLS)('%s: the digest bucket refuses plain HTTP and every delete, by anyone', (cell) => {
  // Act
  const [[, policy] = []] = resourcesOfType(
    synth.template(`visitbridge-${cell}-stateful`),
    'AWS::S3::BucketPolicy',
  ).filter(([id]) => id.startsWith('DigestsBucket'));
  // Assess
  const statements = statementsOf(policy);
  expect(statements).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      }),
    ]),
  );
});

test.each(CELLS)(
  '%s: the digest signing key is an asymmetric single-Region ECC_NIST_P256 signing key, retained',
  (cell) => {
    // Act
    const signing = resourcesOfType(synth.template(`visitbridge-${cell}-stateful`), 'AWS::KMS::Key').filter(
      ([, k]) => k.Properties?.KeyUsage === 'SIGN_VERIFY',
    );
    // Assess
    expect(signing).toHaveLength(1);
    expect(signing[0]?.[1].Properties).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      MultiRegion: false,
    });
    expect(signing[0]?.[1].DeletionPolicy).toBe('Retain');
  },
);

test('kms:Sign is allowed by no IAM policy but the digest function role of each cell', () => {
  // Act
  const roles = rolesAllowed('kms:Sign');
  // Assess
  expect(roles).toEqual(CELLS.map(digestRole).sort());
});

test('s3:PutObject on the digests is allowed to the digest function role only (the console deployment writes its own bucket)', () => {
  for (const cell of CELLS) {
    // Act
    const template = synth.template(`visitbridge-${cell}-stateless`);
    const writers = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) =>
      statementsOf(p).some(
        (s) => allows(s, 's3:PutObject') && JSON.stringify(s.Resource).includes('-digests-'),
      ),
    );
    // Assess
    expect(writers.map(([id]) => id)).toEqual([
      expect.stringMatching(/^FndigestFunctionServiceRoleDefaultPolicy/),
    ]);
  }
});

test('the HIM API may read the public key and the digests and invoke the digest function, but neither sign nor verify with KMS', () => {
  for (const cell of CELLS) {
    // Act
    const template = synth.template(`visitbridge-${cell}-stateless`);
    const [[, policy] = []] = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('FnhimapiFunctionServiceRoleDefaultPolicy'),
    );
    const statements = statementsOf(policy);
    const [digestFn] =
      resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('FndigestFunction')) ??
      [];
    // Assess
    expect(statements.some((s) => allows(s, 'kms:GetPublicKey'))).toBe(true);
    expect(statements.some((s) => allows(s, 's3:GetObjectVersion'))).toBe(true);
    expect(statements.some((s) => allows(s, 's3:ListBucketVersions'))).toBe(true);
    expect(statements.some((s) => allows(s, 'kms:Sign') || allows(s, 'kms:Verify'))).toBe(false);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [digestFn, 'Arn'] },
      }),
    );
  }
});

test('the documents function holds no grant on cell data or keys, and only the HIM API may invoke it', () => {
  for (const cell of CELLS) {
    // Act
    const template = synth.template(`visitbridge-${cell}-stateless`);
    const own = resourcesOfType(template, 'AWS::IAM::Policy').filter(([id]) =>
      id.startsWith('FndocumentsFunctionServiceRoleDefaultPolicy'),
    );
    const [documentsFn] =
      resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) =>
        id.startsWith('FndocumentsFunction'),
      ) ?? [];
    const invokers = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) =>
      statementsOf(p).some(
        (s) => allows(s, 'lambda:InvokeFunction') && JSON.stringify(s.Resource).includes(String(documentsFn)),
      ),
    );
    // Assess
    const actions = own.flatMap(([, p]) => statementsOf(p).flatMap((s) => [s.Action].flat()));
    expect(actions.filter((a) => /^(dynamodb|kms|secretsmanager|s3):/.test(a))).toEqual([]);
    expect(invokers.map(([id]) => id)).toEqual([
      expect.stringMatching(/^FnhimapiFunctionServiceRoleDefaultPolicy/),
    ]);
  }
});

test.each(CELLS)(
  '%s: a schedule invokes the digest function every 5 minutes by default, and no rule invokes the HIM API',
  (cell) => {
    // Prepare
    const template = synth.template(`visitbridge-${cell}-stateless`);
    const fnId = (prefix: string) =>
      resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0];
    // Act
    const rules = resourcesOfType(template, 'AWS::Events::Rule').map(
      ([, r]) =>
        r.Properties as { ScheduleExpression: string; Targets: Array<{ Arn: unknown; Input: string }> },
    );
    // Assess
    expect(rules).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [
          expect.objectContaining({
            Arn: { 'Fn::GetAtt': [fnId('FndigestFunction'), 'Arn'] },
            Input: '{"source":"visitbridge.digest"}',
          }),
        ],
      }),
    );
    expect(JSON.stringify(rules)).not.toContain(String(fnId('FnhimapiFunction')));
  },
);

test('context sets the digest interval and a longer retention; a retention under six years fails the synth', () => {
  // Prepare
  const custom = synthCells({ cells: 'uk', digestIntervalMinutes: 15, digestRetentionYears: 10 });
  const short = new App({ context: { digestRetentionYears: 5 } });
  // Act
  const template = custom.template('visitbridge-uk-stateless');
  const bucket = resourcesOfType(custom.template('visitbridge-uk-stateful'), 'AWS::S3::Bucket').find(
    ([, b]) => b.Properties?.ObjectLockEnabled,
  )?.[1];
  // Assess
  expect(
    resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties?.ScheduleExpression),
  ).toEqual(expect.arrayContaining(['rate(15 minutes)']));
  expect(bucket?.Properties?.ObjectLockConfiguration).toMatchObject({
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 10 } },
  });
  expect(custom.environment('uk', 'himapi').DIGEST_INTERVAL_MINUTES).toBe('15');
  expect(() => readDeploySettings(short.node, PROJECT_ROOT)).toThrow(
    /digestRetentionYears.*at least six years/,
  );
});
