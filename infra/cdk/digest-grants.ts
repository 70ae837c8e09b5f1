import { Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { digestBucketName } from './constructs/digest-bucket.js';
import { nagAccount } from './nag.js';

/** The parts of a cell (as imported into the stateless stack) that the digest chain touches. */
export interface DigestResources {
  cellId: string;
  table: ITableV2;
  digestSigningKey: IKey;
  digestBucket: IBucket;
}

/**
 * The digest chain's grants. Only the digest function may sign (`kms:Sign`) and write
 * digests (`s3:PutObject`), and it only reads the table; the HIM API reads the public
 * key and the digests (by version: see S3DigestAnchor) and asks the digest function to
 * seal (`lambda:InvokeFunction`).
 * Nobody gets `kms:Verify`: digests are verified offline with the public key.
 */
export function grantDigestAccess(
  cell: DigestResources,
  fns: { digest: IFunction; himApi: IFunction },
): void {
  cell.table.grantReadData(fns.digest);
  cell.digestSigningKey.grant(fns.digest, 'kms:Sign', 'kms:GetPublicKey');
  cell.digestSigningKey.grant(fns.himApi, 'kms:GetPublicKey');
  const bucket = cell.digestBucket;
  const digests = bucket.arnForObjects(`${cell.cellId}/*`);
  for (const fn of [fns.digest, fns.himApi]) {
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ListDigests',
        actions: ['s3:ListBucketVersions'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${cell.cellId}/*`] } },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({ sid: 'ReadDigests', actions: ['s3:GetObjectVersion'], resources: [digests] }),
    );
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${digestBucketName(cell.cellId, nagAccount(fn), Stack.of(fn).region)}/${cell.cellId}/*]`,
      reason:
        'Digests are one object per position under the cell’s folder of the cell’s digest bucket; their names are not known in advance.',
    });
  }
  fns.digest.addToRolePolicy(
    new PolicyStatement({ sid: 'WriteDigests', actions: ['s3:PutObject'], resources: [digests] }),
  );
  fns.himApi.addToRolePolicy(
    new PolicyStatement({
      sid: 'SealOnDemand',
      actions: ['lambda:InvokeFunction'],
      resources: [fns.digest.functionArn],
    }),
  );
}
