import type { DynamoDBRecord } from 'aws-lambda';
import {
  DELIVERABLE_STATES,
  DELIVERY_LANES,
  type DeliveryLane,
  inLane,
  isDeliverable,
} from '../../functions/deliver/handler-factory.js';
import { findResidencyViolations } from '../../infra/cdk/guardrails.js';
import { matchesPattern } from './event-pattern.js';
import { consoleConfig, prop, resourcesOfType, type SynthesisedCells, synthCells } from './synth-cells.js';

/** The route, CORS and stream constructs are the same in every cell: two cells suffice, one named by context. */
const AU_API = 'https://au1b2c3d4e.execute-api.ap-southeast-2.amazonaws.com/';
let synth: SynthesisedCells;

beforeAll(() => {
  synth = synthCells({ cells: 'uk,au', cellEndpoints: { au: AU_API } });
});

const stateless = (cellId: string) => synth.template(`visitbridge-${cellId}-stateless`);

function routesOf(cellId: string): Record<string, Record<string, unknown> | undefined> {
  return Object.fromEntries(
    resourcesOfType(stateless(cellId), 'AWS::ApiGatewayV2::Route').map(([, r]) => [
      String(r.Properties?.RouteKey),
      r.Properties,
    ]),
  );
}

test('the forwarded, sender and JWKS routes reach ingest without an authorizer; HIM GET and POST need the JWT', () => {
  for (const { cellId } of synth.cells) {
    // Act
    const routes = routesOf(cellId);
    // Assess
    expect(Object.keys(routes).sort()).toEqual([
      'GET /.well-known/jwks.json',
      'GET /v1/him/{proxy+}',
      'GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery',
      'POST /v1/forwarded/{senderId}',
      'POST /v1/him/{proxy+}',
      'POST /v1/webhooks/{senderId}',
    ]);
    for (const key of ['GET /v1/him/{proxy+}', 'POST /v1/him/{proxy+}']) {
      expect(routes[key]).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
    }
    for (const key of [
      'GET /.well-known/jwks.json',
      'POST /v1/forwarded/{senderId}',
      'POST /v1/webhooks/{senderId}',
      'GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery',
    ]) {
      expect(routes[key]).toMatchObject({ AuthorizationType: 'NONE' });
      expect(routes[key]).not.toHaveProperty('AuthorizerId');
    }
  }
});

test('no route captures OPTIONS, so API Gateway answers HIM preflights for the console with GET, POST, the auth and the HIM action headers', () => {
  for (const { cellId } of synth.cells) {
    // Prepare
    const [[, api] = []] = resourcesOfType(stateless(cellId), 'AWS::ApiGatewayV2::Api');
    // Act
    const cors = prop<Record<string, unknown>>(api, 'CorsConfiguration');
    const capturing = Object.keys(routesOf(cellId)).filter((k) => /^(ANY|OPTIONS) /.test(k));
    // Assess
    expect(capturing).toEqual([]);
    expect(cors).toMatchObject({
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['authorization', 'content-type', 'x-him-action'],
      AllowOrigins: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.any(String), 'DomainName'] }]] },
      ],
    });
  }
});

const SORT_KEYS: Record<string, string> = {
  outbox: 'OUTBOX#V#0000000001',
  callback: 'CALLBACK#V#0000000001#000001',
  note: 'V#0000000001',
};

function streamRecord(eventName: string, type: string, state: string): DynamoDBRecord {
  return {
    eventName: eventName as DynamoDBRecord['eventName'],
    dynamodb: {
      Keys: { pk: { S: 'NOTE#s#n' }, sk: { S: SORT_KEYS[type] ?? '' } },
      NewImage: { type: { S: type }, state: { S: state } },
    },
  };
}

test('the stream filters pass exactly the records the worker would handle, each lane its own', () => {
  // Prepare
  const mappings = resourcesOfType(stateless('uk'), 'AWS::Lambda::EventSourceMapping').map(([, m]) =>
    prop<{ Filters: { Pattern: string }[] }>(m, 'FilterCriteria').Filters.map(
      (f) => JSON.parse(f.Pattern) as unknown,
    ),
  );
  const records = ['INSERT', 'MODIFY', 'REMOVE'].flatMap((eventName) =>
    ['outbox', 'callback', 'note'].flatMap((type) =>
      [...DELIVERABLE_STATES, 'delivered', 'parked', 'waiting', 'failed'].map((state) =>
        streamRecord(eventName, type, state),
      ),
    ),
  );
  const passes = (patterns: unknown[], r: DynamoDBRecord) => patterns.some((p) => matchesPattern(p, r));
  // Act
  const disagreements = records.filter((r) => mappings.some((m) => passes(m, r)) !== isDeliverable(r));
  const laneDisagreements = (Object.keys(DELIVERY_LANES) as DeliveryLane[]).map(
    (lane) => mappings.filter((m) => records.every((r) => passes(m, r) === inLane(lane)(r))).length,
  );
  // Assess
  expect(records.filter(isDeliverable)).toHaveLength(4 * DELIVERABLE_STATES.length);
  expect(disagreements).toEqual([]);
  expect(laneDisagreements).toEqual([1, 1]);
});

test('the worker mapping reports item failures, bisects, retries a bounded 8 times and dead-letters the rest', () => {
  for (const { cellId } of synth.cells) {
    // Act
    const [[, mapping] = []] = resourcesOfType(stateless(cellId), 'AWS::Lambda::EventSourceMapping');
    // Assess
    expect(mapping?.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 8,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
  }
});

test('the console config lists the cell at its own API URL and the cells context names, and signs in at the cell pool', () => {
  // Prepare
  const uk = { id: 'uk', name: 'United Kingdom', region: 'eu-west-2' };
  const au = { id: 'au', name: 'Australia', region: 'ap-southeast-2', apiBase: AU_API };
  // Act
  const configs = ['uk', 'au'].map((cellId) => consoleConfig(synth, cellId));
  // Assess
  const signIn = (cell: string, region: string) => ({
    issuer: `https://cognito-idp.${region}.amazonaws.com/${region}_AbCdEf123`,
    clientId: expect.any(String),
    authorizationEndpoint: `https://visitbridge-${cell}-123456789012.auth.${region}.amazoncognito.com/oauth2/authorize`,
    tokenEndpoint: `https://visitbridge-${cell}-123456789012.auth.${region}.amazoncognito.com/oauth2/token`,
    scope: 'openid email',
    idTokenSigningAlg: 'RS256',
  });
  expect(configs).toEqual([
    {
      cells: [{ ...uk, apiBase: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/' }, au],
      signIn: signIn('uk', 'eu-west-2'),
    },
    { cells: [au], signIn: signIn('au', 'ap-southeast-2') },
  ]);
});

test("another region's API URL from context passes the residency guardrail and reaches forwarding and the console CSP", () => {
  // Prepare
  const template = stateless('uk');
  const [[, headers] = []] = resourcesOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy');
  const config = prop<{
    SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
  }>(headers, 'ResponseHeadersPolicyConfig');
  // Act
  const csp = synth.render(
    config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    'eu-west-2',
  );
  const endpoints = JSON.parse(synth.environment('uk', 'ingest').CELL_ENDPOINTS ?? '{}');
  // Assess (synthCells throws when the guardrail or cdk-nag finds anything)
  expect(endpoints.au).toBe(AU_API);
  expect(csp).toContain(
    `connect-src 'self' https://*.execute-api.eu-west-2.amazonaws.com/ ${AU_API} https://visitbridge-uk-123456789012.auth.eu-west-2.amazoncognito.com/oauth2/token;`,
  );
  expect(findResidencyViolations(template, 'eu-west-2', [AU_API])).toEqual([]);
});
