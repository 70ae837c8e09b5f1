import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

/**
 * The name of a cell's digest bucket: fixed, so the stateless stack and cdk-nag can
 * name it without a cross-stack reference. Account and region keep it globally unique.
 */
export const digestBucketName = (cellId: string, account: string, region: string): string =>
  `visitbridge-${cellId}-digests-${account}-${region}`;

/**
 * Whole years every digest is locked: the deployment's `digestRetentionYears`, or the
 * policy's `digests` schedule rounded up to whole years when that is longer. Digests
 * are never expired: the ledger and audit log they seal are kept, and verification
 * needs every digest from the first (docs/retention.md).
 */
export const digestLockYears = (contextYears: number, digestDays: number): number =>
  Math.max(contextYears, Math.ceil(digestDays / 365));

export interface DigestBucketProps {
  cellId: string;
  bucketName: string;
  /** Default Object Lock retention in COMPLIANCE mode, in years. */
  retentionYears: number;
}

/**
 * Where a cell's signed digests are anchored, outside its table: versioned, Object
 * Lock with a default retention in COMPLIANCE mode (no one, the account root
 * included, can delete or overwrite a digest version before it expires, nor shorten
 * the retention), SSE-KMS with the AWS managed key (digests hold hashes and counts,
 * no PHI; no key administrator can make them unreadable, and any reader with
 * s3:GetObject in the account can fetch them), public access blocked, TLS only,
 * server access logs kept as long as the digests, retained on stack deletion.
 */
export class DigestBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: DigestBucketProps) {
    super(scope, id);
    const keepDays = Math.ceil(props.retentionYears * 365.25);
    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        { expiration: Duration.days(keepDays), noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRegionalOnly(logs);
    Validations.of(logs).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: 'S3 server access logs can only be delivered to buckets encrypted with SSE-S3.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      objectLockEnabled: true,
      encryption: BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: `digests/${props.cellId}/`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Whole years, exactly as configured (CDK's Duration-based option renders days).
    (this.bucket.node.defaultChild as CfnBucket).objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: props.retentionYears } },
    };
    // A delete without a version id only adds a delete marker, which Object Lock allows and which
    // hides a digest from listings: nobody may delete anything here, locked or not.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DigestsAreNeverDeleted',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    acknowledgeRegionalOnly(this.bucket);
  }
}

function acknowledgeRegionalOnly(bucket: IConstruct): void {
  Validations.of(bucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason:
      'Cross-Region replication would copy cell records out of their residency region; versioning, Object Lock and S3 durability cover recovery.',
  });
}
