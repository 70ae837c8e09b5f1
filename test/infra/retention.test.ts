import { prop, resourcesOfType, type SynthesisedCells, synthCells } from './synth-cells.js';

let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells();
});

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const CELLS = ['uk', 'eu', 'us', 'ca', 'au'];
const stateless = (cell: string) => synth.template(`visitbridge-${cell}-stateless`);
const fnId = (cell: string, prefix: string) =>
  resourcesOfType(stateless(cell), 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0];
const statementsOf = (cell: string, kind: string): Statement[] => {
  const [[, policy] = []] = resourcesOfType(stateless(cell), 'AWS::IAM::Policy').filter(([id]) =>
    id.startsWith(`Fn${kind}FunctionServiceRoleDefaultPolicy`),
  );
  return prop<{ Statement: Statement[] }>(policy, 'PolicyDocument').Statement;
};
const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

test.each(CELLS)('%s: a schedule invokes the retention function once a day, with retries', (cell) => {
  // Act
  const rules = resourcesOfType(stateless(cell), 'AWS::Events::Rule').map(
    ([, r]) => r.Properties as { ScheduleExpression: string; Targets: Array<Record<string, unknown>> },
  );
  // Assess
  expect(rules).toContainEqual(
    expect.objectContaining({
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fnId(cell, 'FnretentionFunction'), 'Arn'] },
          Input: '{"source":"visitbridge.retention"}',
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    }),
  );
});

test.each(CELLS)(
  '%s: the retention function may query, scan (the patient index backfill), delete and put on its table, use the key only through DynamoDB, and read no secret',
  (cell) => {
    // Act
    const statements = statementsOf(cell, 'retention');
    const all = actions(statements);
    // Assess
    expect(all).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:GetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(all.some((a) => a.startsWith('secretsmanager:') || a.startsWith('s3:'))).toBe(false);
    // The ops key encrypts the dead-letter queue it sends failed runs to; every other key use goes through DynamoDB.
    const kms = statements.filter(
      (s) => actions([s]).some((a) => a.startsWith('kms:')) && !JSON.stringify(s.Resource).includes('OpsKey'),
    );
    expect(kms).toEqual([
      expect.objectContaining({
        Sid: 'TableKeyThroughDynamoDbOnly',
        Condition: {
          StringEquals: {
            'kms:ViaService': `dynamodb.${synth.cells.find((c) => c.cellId === cell)?.region}.amazonaws.com`,
          },
        },
      }),
    ]);
  },
);

test.each(CELLS)('%s: the HIM API may start the retention function, and knows its name', (cell) => {
  // Act
  const statements = statementsOf(cell, 'himapi');
  // Assess
  expect(statements).toContainEqual(
    expect.objectContaining({
      Sid: 'RetentionOnDemand',
      Action: 'lambda:InvokeFunction',
      Resource: { 'Fn::GetAtt': [fnId(cell, 'FnretentionFunction'), 'Arn'] },
    }),
  );
  expect(synth.environment(cell, 'himapi').RETENTION_FUNCTION_NAME).toBeTruthy();
});

test.each(CELLS)('%s: failed scheduled retention runs reach a dead-letter queue', (cell) => {
  // Act
  const [[, config] = []] = resourcesOfType(stateless(cell), 'AWS::Lambda::EventInvokeConfig').filter(
    ([id]) => id.startsWith('FnretentionFunction'),
  );
  const [, fn] =
    resourcesOfType(stateless(cell), 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('FnretentionFunction'),
    ) ?? [];
  // Assess
  expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: 2 });
  expect(fn?.Properties?.DeadLetterConfig).toBeDefined();
});
