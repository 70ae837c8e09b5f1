import { resolve } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DIGEST_EVENT } from '../../functions/digest/handler-factory.js';
import { RETENTION_EVENT } from '../../functions/retention/handler-factory.js';
import type { Jurisdiction } from '../../shared/domain/policy/model.js';
import {
  type AwsCellStore,
  type CellResources,
  type FunctionKind,
  functionEnvironment,
  senderSecretsPrefix,
} from '../cell-environment.js';
import type { ConsoleCell } from '../console-config.js';
import { CellAlarms } from './constructs/cell-alarms.js';
import { CellApi } from './constructs/cell-api.js';
import { CellFunction } from './constructs/cell-function.js';
import { ConsoleSite } from './constructs/console-site.js';
import { deadLetterQueue } from './constructs/dead-letter-queue.js';
import { DeliveryStream } from './constructs/delivery-stream.js';
import { HimConsoleClient } from './constructs/him-console-client.js';
import { defaultJwksUrl, FUNCTION_SPECS } from './function-environment.js';
import { grantCellAccess, importCell } from './grants.js';
import type { StatefulStack } from './stateful-stack.js';

/** Who issues HIM tokens: context `himIssuer`/`himAudience`/`himJwksUrl`, or the cell's Cognito user pool. */
export interface HimContext {
  issuer: string;
  audience: string[];
  /** Default: `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
}

export interface StatelessStackProps extends StackProps {
  jurisdiction: Jurisdiction;
  /** Every jurisdiction of the policy (names and regions for the console's cell list). */
  jurisdictions: Jurisdiction[];
  stateful: StatefulStack;
  projectRoot: string;
  policyFile: string;
  /** This cell's cdk-nag report from a first synth (infra/cdk/synth.ts), for the HIM API bundle; absent, packs answer 500. */
  nagReportFile?: string;
  /** Every cell's public base URL from context; a missing own entry means this API's own endpoint. */
  contextEndpoints: Record<string, string>;
  defaultEndpoints: Record<string, string>;
  him: HimContext | undefined;
  himRolesClaim: string;
  ehrEndpoints: CellResources['ehrEndpoints'];
  smartPublicJwks: CellResources['smartPublicJwks'];
  consoleDir: string;
  consoleOrigins: string[];
  logLevel: string;
  /** Minutes between scheduled digests of the ledger and the audit log. */
  digestIntervalMinutes: number;
}

/**
 * What a cell runs: five functions, the HTTP API, the delivery stream mapping,
 * the digest schedule, queues, alarms and the console. Replaceable at any time;
 * the data lives in the stateful stack of the same cell and region.
 */
export class StatelessStack extends Stack {
  readonly api: CellApi;
  readonly functions: Record<FunctionKind, CellFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const cell = props.jurisdiction.id;
    const { stateful } = props;
    const view = importCell(this, stateful);

    const opsKey = new Key(this, 'OpsKey', {
      description: `visitbridge ${cell}: encrypts logs, queues and the alarm topic`,
      alias: `alias/visitbridge/${cell}/ops`,
      enableKeyRotation: true,
      multiRegion: false,
    });
    opsKey.grantEncryptDecrypt(new ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    opsKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    const users = props.him ? undefined : stateful.userPool;
    const site = new ConsoleSite(this, 'Console', {
      cellId: cell,
      consoleDir: props.consoleDir,
      logKey: opsKey,
      // Full base URLs (a path ending in / matches everything below it); this cell's own API by host
      // pattern, since naming it would make the distribution depend on the API and the API on it.
      connectSources: [
        ...consoleCells(
          props.jurisdictions,
          cell,
          props.contextEndpoints[cell] ?? `https://*.execute-api.${this.region}.${this.urlSuffix}/`,
          props.contextEndpoints,
        ).map((c) => c.apiBase),
        ...(users ? [`${users.domain.baseUrl()}/oauth2/token`] : []),
      ],
    });
    const consoleClient = users
      ? new HimConsoleClient(this, 'HimConsoleClient', { users, consoleUrl: `${site.origin}/` })
      : undefined;
    const him = props.him ?? this.userPoolIssuer(stateful, consoleClient);
    const [audience] = him.audience;
    if (!audience) throw new Error(`cell ${cell}: the HIM API needs at least one audience`);
    this.api = new CellApi(this, 'Api', {
      cellId: cell,
      himIssuer: him.issuer,
      himAudience: him.audience,
      logKey: opsKey,
      throttle: { rateLimit: 200, burstLimit: 400 },
    });
    const ownEndpoint = props.contextEndpoints[cell] ?? this.api.baseUrl;
    const cellEndpoints = { ...props.defaultEndpoints, [cell]: ownEndpoint };
    site.deploy({
      cells: consoleCells(props.jurisdictions, cell, ownEndpoint, props.contextEndpoints),
      ...(consoleClient ? { signIn: consoleClient.signIn } : {}),
    });
    const consoleOrigins = [site.origin, ...props.consoleOrigins];
    this.api.allowOrigins(consoleOrigins);

    const store: AwsCellStore = {
      runtime: 'aws',
      keyArn: view.key.keyArn,
      digestKeyArn: view.digestSigningKey.keyArn,
      digestBucketName: view.digestBucket.bucketName,
      pseudonymKeySecretArn: view.pseudonymKeySecret.secretArn,
      smartPrivateKeySecretArn: view.smartPrivateKeySecret.secretArn,
      forwardSecretArn: view.forwardingSecret.secretArn,
      senderSecretsPrefix: senderSecretsPrefix(cell),
    };
    const resources: CellResources = {
      cellId: cell,
      tableName: view.table.tableName,
      patientKeyTableName: view.patientKeyTable.tableName,
      digestIntervalMinutes: props.digestIntervalMinutes,
      store,
      publicBaseUrl: ownEndpoint,
      cellEndpoints,
      ehrEndpoints: props.ehrEndpoints,
      smartPublicJwks: props.smartPublicJwks,
      him: {
        issuer: him.issuer,
        audience,
        jwksUrl: him.jwksUrl ?? defaultJwksUrl(him.issuer),
        rolesClaim: props.himRolesClaim,
        corsOrigins: consoleOrigins,
      },
      logLevel: props.logLevel,
    };
    const digestDlq = deadLetterQueue(this, 'DigestDlq', opsKey);
    const retentionDlq = deadLetterQueue(this, 'RetentionDlq', opsKey);
    const scheduledDlq: Partial<Record<FunctionKind, typeof digestDlq>> = {
      digest: digestDlq,
      retention: retentionDlq,
    };
    const make = (kind: FunctionKind, invoked: Partial<AwsCellStore> = {}): CellFunction => {
      const spec = FUNCTION_SPECS[kind];
      return new CellFunction(this, `Fn-${kind}`, {
        kind,
        description: `visitbridge ${cell} ${spec.what}`,
        entry: resolve(props.projectRoot, spec.entry),
        projectRoot: props.projectRoot,
        policyFile: props.policyFile,
        ...(kind === 'him-api' && props.nagReportFile ? { nagReportFile: props.nagReportFile } : {}),
        environment: functionEnvironment(kind, { ...resources, store: { ...store, ...invoked } }),
        logKey: opsKey,
        memorySize: spec.memory,
        timeout: Duration.seconds(spec.timeout),
        reservedConcurrency: spec.concurrency,
        deadLetterQueue: scheduledDlq[kind],
      });
    };
    const digest = make('digest');
    const documents = make('documents');
    const retention = make('retention');
    this.functions = {
      ingest: make('ingest'),
      deliver: make('deliver'),
      'him-api': make('him-api', {
        digestFunctionName: digest.fn.functionName,
        documentsFunctionName: documents.fn.functionName,
        retentionFunctionName: retention.fn.functionName,
      }),
      digest,
      documents,
      retention,
    };
    const { ingest, deliver } = this.functions;
    const himApi = this.functions['him-api'];
    grantCellAccess(view, {
      ingest: ingest.fn,
      deliver: deliver.fn,
      himApi: himApi.fn,
      digest: digest.fn,
      documents: documents.fn,
      retention: retention.fn,
    });
    this.api.route(ingest.fn, himApi.fn);

    const delivery = new DeliveryStream(this, 'Delivery', {
      table: view.table,
      worker: deliver.fn,
      queueKey: opsKey,
    });

    digest.fn.configureAsyncInvoke({ retryAttempts: 2 });
    new Rule(this, 'DigestSchedule', {
      description: `visitbridge ${cell}: seal the transfers ledger and the HIM audit log every ${props.digestIntervalMinutes} min`,
      schedule: Schedule.rate(Duration.minutes(props.digestIntervalMinutes)),
      targets: [
        new LambdaFunction(digest.fn, {
          event: RuleTargetInput.fromObject(DIGEST_EVENT),
          retryAttempts: 2,
        }),
      ],
    });

    retention.fn.configureAsyncInvoke({ retryAttempts: 2 });
    new Rule(this, 'RetentionSchedule', {
      description: `visitbridge ${cell}: delete what the retention schedule lets go, once a day`,
      schedule: Schedule.rate(Duration.days(1)),
      targets: [
        new LambdaFunction(retention.fn, {
          event: RuleTargetInput.fromObject(RETENTION_EVENT),
          retryAttempts: 2,
        }),
      ],
    });

    new CellAlarms(this, 'Alarms', {
      cellId: cell,
      functions: [
        { name: 'Ingest', fn: ingest.fn },
        { name: 'Deliver', fn: deliver.fn },
        { name: 'HimApi', fn: himApi.fn },
        { name: 'Digest', fn: digest.fn },
        { name: 'Documents', fn: documents.fn },
        { name: 'Retention', fn: retention.fn },
      ],
      deliverLogs: deliver.logGroup,
      verificationLogs: [
        { name: 'HimApi', logGroup: himApi.logGroup },
        { name: 'Digest', logGroup: digest.logGroup },
      ],
      deadLetterQueues: [
        { name: 'DeliveryDlq', queue: delivery.deadLetterQueue },
        { name: 'DigestDlq', queue: digestDlq },
        { name: 'RetentionDlq', queue: retentionDlq },
      ],
      streamConsumer: deliver.fn,
      topicKey: opsKey,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.baseUrl,
      description: 'Base URL of this cell (webhooks, HIM API)',
    });
    new CfnOutput(this, 'ConsoleUrl', { value: site.origin, description: 'HIM console of this cell' });
    new CfnOutput(this, 'HimIssuer', { value: him.issuer, description: 'JWT issuer the HIM API trusts' });
  }

  private userPoolIssuer(stateful: StatefulStack, consoleClient: HimConsoleClient | undefined): HimContext {
    const pool = stateful.userPool;
    if (!pool || !consoleClient)
      throw new Error(`cell ${stateful.cellId}: no HIM issuer configured and no user pool created`);
    new CfnOutput(this, 'HimUserPoolId', { value: pool.pool.userPoolId });
    new CfnOutput(this, 'HimClientId', { value: consoleClient.client.userPoolClientId });
    new CfnOutput(this, 'HimLoginUrl', {
      value: pool.domain.baseUrl(),
      description: 'Managed login of the HIM user pool',
    });
    return { issuer: pool.issuer, audience: [consoleClient.client.userPoolClientId] };
  }
}

/**
 * The cells the console lists: this cell at its own API, and every other cell
 * whose public URL context `cellEndpoints` names (the defaults are placeholders).
 */
function consoleCells(
  jurisdictions: Jurisdiction[],
  cell: string,
  ownEndpoint: string,
  contextEndpoints: Record<string, string>,
): ConsoleCell[] {
  return jurisdictions.flatMap((j) => {
    const apiBase = j.id === cell ? ownEndpoint : contextEndpoints[j.id];
    return apiBase ? [{ id: j.id, name: j.name, region: j.region, apiBase }] : [];
  });
}
