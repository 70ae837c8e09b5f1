import { Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ACTION_HEADER } from '../../../functions/him-api/action-id.js';
import { HIM_ROUTE } from '../../../functions/him-api/handler-factory.js';
import {
  FORWARDED_ROUTE,
  JWKS_ROUTE,
  STATUS_ROUTE,
  WEBHOOK_ROUTE,
} from '../../../functions/ingest/handler-factory.js';

export interface CellApiProps {
  cellId: string;
  himIssuer: string;
  himAudience: string[];
  logKey: IKey;
  throttle: { rateLimit: number; burstLimit: number };
}

/** Access log fields: request metadata only, never bodies, paths or query strings (they may carry ids). */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    sourceIp: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** Methods the HIM console uses; each gets its own route so preflight `OPTIONS` never meets the authorizer. */
export const HIM_METHODS = [HttpMethod.GET, HttpMethod.POST] as const;

/** Splits a route key (`POST /v1/webhooks/{senderId}`) as the functions declare them. */
function parseRouteKey(key: string): { method: HttpMethod; path: string } {
  const [method, path] = key.split(' ');
  if (!path || !Object.values(HttpMethod).includes(method as HttpMethod)) {
    throw new Error(`route key "${key}" is not "<METHOD> <path>"`);
  }
  return { method: method as HttpMethod, path };
}

/**
 * The cell's HTTP API: signed webhooks and delivery status go to ingest
 * (authenticated by their Standard Webhooks signature), notes other cells
 * forward go to ingest too (signed with the forwarding secret), and GET/POST
 * under `/v1/him/` go to the HIM API behind a JWT authorizer. CORS preflights
 * for the HIM consoles are answered by API Gateway itself.
 */
export class CellApi extends Construct {
  readonly api: HttpApi;
  private readonly props: CellApiProps;
  private readonly origins: string[] = [];

  constructor(scope: Construct, id: string, props: CellApiProps) {
    super(scope, id);
    this.props = props;
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `visitbridge-${props.cellId}`,
      description: `visitbridge ${props.cellId}: webhooks, delivery status, forwarding and HIM API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: Lazy.list({ produce: () => this.origins }),
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', ACTION_HEADER],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /** Lets HIM consoles served from `origins` call this API from the browser. */
  allowOrigins(origins: string[]): void {
    this.origins.push(...origins);
  }

  /**
   * Adds the routes, with the route keys the functions dispatch on: sender and
   * forwarded routes to `ingestFn` (signature-authenticated), `/v1/him/` to
   * `himApiFn` behind the JWT authorizer.
   */
  route(ingestFn: IFunction, himApiFn: IFunction): void {
    const ingest = new HttpLambdaIntegration('Ingest', ingestFn);
    const ingestRoute = (key: string) => {
      const { method, path } = parseRouteKey(key);
      return this.api.addRoutes({ path, methods: [method], integration: ingest });
    };
    for (const route of [...ingestRoute(WEBHOOK_ROUTE), ...ingestRoute(STATUS_ROUTE)]) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Sender routes are authenticated in the function by a Standard Webhooks HMAC signature over the raw body (delivery status: the same sender secret); API Gateway authorizers cannot verify body signatures.',
      });
    }
    for (const route of ingestRoute(JWKS_ROUTE)) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          "The bridge's SMART client public keys (JWKS) are public by design: EHRs fetch them without credentials to verify the bridge's client assertions.",
      });
    }
    for (const route of ingestRoute(FORWARDED_ROUTE)) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Cell-to-cell forwarding is authenticated in the function by a Standard Webhooks HMAC signature over the raw body with the forwarding secret only the cells hold; API Gateway authorizers cannot verify body signatures, and the calling cell has no HIM token.',
      });
    }

    const authorizer = new HttpJwtAuthorizer('HimJwt', this.props.himIssuer, {
      authorizerName: `visitbridge-${this.props.cellId}-him`,
      jwtAudience: this.props.himAudience,
    });
    this.api.addRoutes({
      path: parseRouteKey(HIM_ROUTE).path,
      methods: [...HIM_METHODS],
      integration: new HttpLambdaIntegration('HimApi', himApiFn),
      authorizer,
    });
  }

  /** Base URL of the `$default` stage, with a trailing slash. */
  get baseUrl(): string {
    return `${this.api.apiEndpoint}/`;
  }
}
