import type { DynamoDBRecord } from 'aws-lambda';
import { DELIVERABLE_STATES, isDeliverable } from '../../functions/deliver/handler-factory.js';
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

test('no route captures OPTIONS, so API Gateway answers HIM preflights for the console with GET, POST and the auth header', () => {
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
      AllowHeaders: ['authorization', 'content-type'],
      AllowOrigins: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.any(String), 'DomainName'] }]] },
      ],
    });
  }
});

function outboxRecord(eventName: string, type: string, state: string): DynamoDBRecord {
  return {
    eventName: eventName as DynamoDBRecord['eventName'],
    dynamodb: {
      Keys: { pk: { S: type === 'outbox' ? 'OUTBOX#s#n' : 'NOTE#s#n' }, sk: { S: 'V#0000000001' } },
      NewImage: { type: { S: type }, state: { S: state } },
    },
  };
}

test('the stream filter passes exactly the records the worker would deliver (pending or retrying outbox items)', () => {
  // Prepare
  const [[, mapping] = []] = resourcesOfType(stateless('uk'), 'AWS::Lambda::EventSourceMapping');
  const filters = prop<{ Filters: { Pattern: string }[] }>(mapping, 'FilterCriteria').Filters;
  const patterns = filters.map((f) => JSON.parse(f.Pattern) as unknown);
  const records = ['INSERT', 'MODIFY', 'REMOVE'].flatMap((eventName) =>
    ['outbox', 'note'].flatMap((type) =>
      [...DELIVERABLE_STATES, 'delivered', 'parked', 'waiting'].map((state) =>
        outboxRecord(eventName, type, state),
      ),
    ),
  );
  // Act
  const disagreements = records.filter(
    (r) => patterns.some((p) => matchesPattern(p, r)) !== isDeliverable(r),
  );
  // Assess
  expect(records.filter(isDeliverable)).toHaveLength(2 * DELIVERABLE_STATES.length);
  expect(disagreements).toEqual([]);
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

test('the console config lists the cell at its own API URL and the cells context names, with no dev issuer', () => {
  // Prepare
  const uk = { id: 'uk', name: 'United Kingdom', region: 'eu-west-2' };
  const au = { id: 'au', name: 'Australia', region: 'ap-southeast-2', apiBase: AU_API };
  // Act
  const configs = ['uk', 'au'].map((cellId) => consoleConfig(synth, cellId));
  // Assess
  expect(configs).toEqual([
    { cells: [{ ...uk, apiBase: 'https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/' }, au] },
    { cells: [au] },
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
  expect(csp).toContain(`connect-src 'self' https://*.execute-api.eu-west-2.amazonaws.com/ ${AU_API};`);
  expect(findResidencyViolations(template, 'eu-west-2', [AU_API])).toEqual([]);
});
