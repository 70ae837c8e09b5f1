import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type IFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NAG_REPORT_FILE } from '../../../shared/domain/evidence/nag-report.js';
import { BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '../../bundling.js';
import type { FunctionKind } from '../../cell-environment.js';

/** What a bundle is: one of the cell's functions, or the user pool's sign-in claims trigger. */
export type BundleKind = FunctionKind | 'sign-in-claims';

export interface CellFunctionProps {
  kind: BundleKind;
  /** Absolute path of the handler module (exports `handler`). */
  entry: string;
  /** Repository root: the esbuild working directory and lock-file location. */
  projectRoot: string;
  /** Residency policy copied into the bundle as policy.json (functions that read it). */
  policyFile?: string;
  /** The cell's cdk-nag report, copied into the bundle as cdk-nag-report.json (the HIM API packs it). */
  nagReportFile?: string;
  environment: Record<string, string>;
  /** Key that encrypts the function's log group. */
  logKey: IKey;
  memorySize: number;
  timeout: Duration;
  reservedConcurrency: number;
  description: string;
  /** Queue for asynchronous invocations that fail every retry (scheduled jobs). */
  deadLetterQueue?: IQueue;
}

/**
 * One visitbridge Lambda function: ESM bundle for Node 22 on ARM64 with the
 * policy file (and, for the HIM API, the cdk-nag report) inside and its own
 * encrypted log group.
 */
export class CellFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  /** Data files copied beside the handler after esbuild: name in the bundle to source path. */
  readonly bundledFiles: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CellFunctionProps) {
    super(scope, id);
    this.bundledFiles = {
      ...(props.policyFile ? { 'policy.json': props.policyFile } : {}),
      ...(props.nagReportFile ? { [NAG_REPORT_FILE]: props.nagReportFile } : {}),
    };
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: props.environment,
      logGroup: this.logGroup,
      deadLetterQueue: props.deadLetterQueue,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: false,
        externalModules: ['@aws-sdk/*'],
        esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => this.afterBundling(outputDir),
        },
      },
    });
    props.deadLetterQueue?.grantSendMessages(this.fn);
    acknowledgeFunctionFindings(this.fn, props.kind, props.deadLetterQueue !== undefined);
  }

  /** The commands esbuild's bundling runs once the handler is built: copy `bundledFiles` beside it. */
  afterBundling(outputDir: string): string[] {
    return Object.entries(this.bundledFiles).map(([name, source]) => `cp "${source}" "${outputDir}/${name}"`);
  }
}

/** The public HTTPS endpoints each function calls. */
const PUBLIC_PEERS: Record<BundleKind, string> = {
  ingest: 'the other cells’ public APIs (forwarding misrouted notes, signed with the forwarding secret)',
  deliver: 'EHR FHIR and SMART token endpoints and senders’ signed callback URLs',
  'him-api': 'its HIM issuer’s JWKS',
  digest: 'nothing outside AWS',
  documents: 'nothing at all (it renders the reports it is sent)',
  retention: 'nothing outside AWS',
  'sign-in-claims': 'nothing (it only reshapes the event Cognito sends)',
};

/** Why a function without a dead-letter queue needs none. */
const NO_DLQ_REASON: Partial<Record<BundleKind, string>> = {
  ingest:
    'Ingest is only invoked synchronously by API Gateway; the sender gets the error and retries, so there are no asynchronous events to dead-letter.',
  deliver:
    'The worker is invoked by a DynamoDB stream event source mapping whose on-failure destination is an SQS queue; a function DLQ applies only to asynchronous invocations.',
  'him-api':
    'The HIM API is only invoked synchronously by API Gateway; the caller gets the error, so there are no asynchronous events to dead-letter.',
  documents:
    'The documents function is only invoked synchronously by the HIM API, which gets the error; there are no asynchronous events to dead-letter.',
  'sign-in-claims':
    'Cognito invokes the trigger synchronously during sign-in; a failure fails that sign-in, so there are no asynchronous events to dead-letter.',
};

function acknowledgeFunctionFindings(fn: IFunction, kind: BundleKind, hasDlq: boolean): void {
  const on = Validations.of(fn);
  on.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The basic execution role only allows writing to CloudWatch Logs; the function writes only to its own log group and the region guard statement denies other regions.',
  });
  on.acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: the same handlers run on the local Node 20 runtime and bundles target node22; move to the next LTS runtime after running the suite on it.',
  });
  on.acknowledge({
    id: 'HIPAA.Security-IAMNoInlinePolicy',
    reason:
      'The inline default policy holds the CDK grants of this one function, scoped to its cell’s resources, and lives and dies with the function’s role.',
  });
  on.acknowledge({
    id: 'HIPAA.Security-LambdaInsideVPC',
    reason: `The function reaches only regional AWS endpoints (DynamoDB, KMS, Secrets Manager, S3, Lambda) over TLS with IAM auth and ${PUBLIC_PEERS[kind]} over HTTPS; a VPC would add NAT egress without narrowing who can reach the data.`,
  });
  const noDlq = NO_DLQ_REASON[kind];
  if (!hasDlq && noDlq) on.acknowledge({ id: 'HIPAA.Security-LambdaDLQ', reason: noDlq });
}
