import { resourcesOfType, type SynthesisedCells, synthCells } from './synth-cells.js';

let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells();
});

const CELLS = ['uk', 'eu', 'us', 'ca', 'au'];
const one = (stack: string, type: string) => {
  const found = resourcesOfType(synth.template(stack), type);
  expect(found).toHaveLength(1);
  return found[0] ?? ['', { Type: type }];
};

test.each(CELLS)(
  '%s: the user pool has a custom:country attribute and a version 2 pre-token trigger',
  (cell) => {
    // Act
    const stack = `visitbridge-${cell}-stateful`;
    const [, pool] = one(stack, 'AWS::Cognito::UserPool');
    const functions = resourcesOfType(synth.template(stack), 'AWS::Lambda::Function');
    const [triggerId] =
      functions.find(([, f]) => /country into access tokens/.test(String(f.Properties?.Description))) ?? [];
    // Assess
    expect(pool.Properties?.Schema).toEqual([
      {
        AttributeDataType: 'String',
        Mutable: true,
        Name: 'country',
        StringAttributeConstraints: { MinLength: '2', MaxLength: '2' },
      },
    ]);
    expect(triggerId).toBeDefined();
    expect(pool.Properties?.LambdaConfig).toEqual({
      PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] }, LambdaVersion: 'V2_0' },
    });
    const permissions = resourcesOfType(synth.template(stack), 'AWS::Lambda::Permission');
    expect(permissions.map(([, p]) => p.Properties)).toContainEqual(
      expect.objectContaining({
        Principal: 'cognito-idp.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      }),
    );
  },
);

test.each(CELLS)("%s: managed login (the newer version) at the cell pool's own Cognito domain", (cell) => {
  const [, domain] = one(`visitbridge-${cell}-stateful`, 'AWS::Cognito::UserPoolDomain');
  const region = synth.cells.find((c) => c.cellId === cell)?.region ?? '';

  expect(domain.Properties?.ManagedLoginVersion).toBe(2);
  expect(synth.render(domain.Properties?.Domain, region)).toBe(`visitbridge-${cell}-123456789012`);
  one(`visitbridge-${cell}-stateless`, 'AWS::Cognito::ManagedLoginBranding');
});

test.each(CELLS)(
  '%s: the console client is public, code flow only, back to the console, and cannot write custom:country',
  (cell) => {
    const stack = `visitbridge-${cell}-stateless`;
    const [, client] = one(stack, 'AWS::Cognito::UserPoolClient');
    const [distributionId] = one(stack, 'AWS::CloudFront::Distribution');

    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] },
      ],
    });
    expect(client.Properties?.ReadAttributes).toContain('custom:country');
    expect(client.Properties?.WriteAttributes).toEqual(['name']);
  },
);

test.each(CELLS)("%s: the HIM API's JWT authorizer trusts the console client of the cell pool", (cell) => {
  const stack = `visitbridge-${cell}-stateless`;
  const [clientId] = one(stack, 'AWS::Cognito::UserPoolClient');
  const [, authorizer] = one(stack, 'AWS::ApiGatewayV2::Authorizer');

  expect(authorizer.Properties?.JwtConfiguration).toMatchObject({ Audience: [{ Ref: clientId }] });
});
