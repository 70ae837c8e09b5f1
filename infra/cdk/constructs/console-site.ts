import { existsSync, readFileSync } from 'node:fs';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { CONSOLE_VENDOR_FILES, type ConsoleConfig } from '../../console-config.js';
import { nagAssetBucketArn } from '../nag.js';

export interface ConsoleSiteProps {
  cellId: string;
  /** Folder of the static console; nothing is deployed when it does not exist. */
  consoleDir: string;
  /**
   * CSP `connect-src` sources: the configured cells' APIs and the token endpoint's origin. Must not reference this cell's API
   * resource (the API's CORS origins reference the distribution: a cycle); use a host pattern instead.
   */
  connectSources: string[];
  logKey: IKey;
}

/**
 * The HIM console of a cell: a private bucket served only through CloudFront
 * (origin access control), strict security headers, access logs kept in the cell's region.
 * The console holds no data; it calls each cell's API from the browser.
 */
export class ConsoleSite extends Construct {
  readonly distribution: Distribution;
  private readonly site: Bucket;
  private readonly props: ConsoleSiteProps;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.props = props;
    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    acknowledgeRegionalOnly(logs);
    Validations.of(logs).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: 'S3 server access logs and CloudFront standard logs can only be delivered to SSE-S3 buckets.',
    });

    const site = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
    });
    acknowledgeRegionalOnly(site);
    Validations.of(site).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason:
        'The bucket holds only the static console (no PHI); SSE-S3 avoids granting CloudFront decrypt rights on a KMS key.',
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `visitbridge ${props.cellId} console security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            `connect-src 'self' ${props.connectSources.join(' ')}`,
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `visitbridge ${props.cellId} HIM console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    acknowledgeDistribution(this.distribution);
    this.site = site;
  }

  /**
   * Deploys the console's files, the packaged files it loads (`CONSOLE_VENDOR_FILES`) and
   * `config` as `config.json` (values may be tokens). Nothing when the console folder is absent.
   */
  deploy(config: ConsoleConfig): void {
    if (!existsSync(this.props.consoleDir)) return;
    new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(this.props.consoleDir, { exclude: ['config.json'] }),
        ...Object.entries(CONSOLE_VENDOR_FILES).map(([path, file]) =>
          Source.data(path, readFileSync(file, 'utf8')),
        ),
        Source.jsonData('config.json', config),
      ],
      destinationBucket: this.site,
      distribution: this.distribution,
      logGroup: new LogGroup(this, 'DeployLogs', {
        retention: RetentionDays.ONE_MONTH,
        encryptionKey: this.props.logKey,
      }),
    });
    acknowledgeBucketDeployment(Stack.of(this), this.site);
  }

  /** `https://<distribution domain>` (no trailing slash), the console's origin. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

function acknowledgeRegionalOnly(bucket: IConstruct): void {
  Validations.of(bucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason:
      'Cross-Region replication would copy cell data out of its residency region; versioning and AWS durability cover recovery.',
  });
}

function acknowledgeDistribution(distribution: Distribution): void {
  const on = Validations.of(distribution);
  on.acknowledge({
    id: 'AwsSolutions-CFR1',
    reason:
      'The console serves only static files; who may see data is decided by the HIM API (JWT roles, remote-access ledger entries), not by viewer country.',
  });
  on.acknowledge({
    id: 'AwsSolutions-CFR2',
    reason:
      'A CloudFront web ACL must be created in us-east-1, outside the cell; the distribution serves only static files and the API it calls has throttling and JWT auth.',
  });
  on.acknowledge({
    id: 'AwsSolutions-CFR4',
    reason:
      'The default *.cloudfront.net certificate cannot pin a minimum TLS version; attach a custom domain with TLSv1.2_2021 for production (docs/deploy.md).',
  });
}

/**
 * The BucketDeployment handler is a CDK-provided singleton at stack level (found by its
 * fixed id prefix); its role's wildcards come from CDK's own grants for copying assets.
 */
function acknowledgeBucketDeployment(stack: Stack, site: Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const siteArn = `<${stack.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>`;
  const copy = 'CDK BucketDeployment copies the console from the CDK asset bucket into the console bucket';
  const reasons: Record<string, string> = {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'Deploy-time handler provided by CDK; the basic execution role only writes its own logs.',
    'HIPAA.Security-IAMNoInlinePolicy': `${copy}; CDK generates its inline policy.`,
    'AwsSolutions-IAM5[Action::s3:GetObject*]': `${copy}; read actions on the asset and console buckets only.`,
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${copy}; read actions on the asset and console buckets only.`,
    'AwsSolutions-IAM5[Action::s3:List*]': `${copy}; list actions on the asset and console buckets only.`,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${copy}; it prunes files removed from console/ in the console bucket.`,
    'AwsSolutions-IAM5[Action::s3:Abort*]': `${copy}; aborts its own failed multipart uploads.`,
    [`AwsSolutions-IAM5[Resource::${siteArn}/*]`]: `${copy}; objects of the console bucket only.`,
    [`AwsSolutions-IAM5[Resource::${nagAssetBucketArn(stack)}/*]`]: `${copy}; objects of the CDK asset bucket of this account and region.`,
    'AwsSolutions-IAM5[Resource::*]':
      'CloudFront invalidation actions do not support resource-level permissions.',
    'AwsSolutions-L1': 'CDK pins the BucketDeployment handler runtime; it runs only at deploy time.',
    'HIPAA.Security-LambdaConcurrency':
      'Deploy-time custom resource handler, invoked once per deployment by CloudFormation.',
    'HIPAA.Security-LambdaDLQ':
      'CloudFormation waits for the custom resource response and fails the deployment on error.',
    'HIPAA.Security-LambdaInsideVPC':
      'Deploy-time handler copying static console files between S3 buckets; no data of the cell.',
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
}
