import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { patientKeyTableName } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import { senderSecretsPrefix } from '../cell-environment.js';
import { digestBucketName } from './constructs/digest-bucket.js';
import { grantDigestAccess } from './digest-grants.js';
import { nagArn } from './nag.js';
import { grantRetentionAccess } from './retention-grants.js';
import type { StatefulStack } from './stateful-stack.js';

/**
 * The stateful stack's resources as seen from the stateless stack: imported by
 * ARN, so every grant lands on the functions' roles and nothing in the stateful
 * stack (key policies included) ever depends on the stateless stack.
 */
export interface CellView {
  cellId: string;
  key: IKey;
  digestSigningKey: IKey;
  digestBucket: IBucket;
  table: ITableV2;
  patientKeyTable: ITableV2;
  pseudonymKeySecret: ISecret;
  smartPrivateKeySecret: ISecret;
  forwardingSecret: ISecret;
}

/** Imports the stateful stack's resources into `scope` (same account and region). */
export function importCell(scope: Construct, cell: StatefulStack): CellView {
  const key = Key.fromKeyArn(scope, 'CellKey', cell.key.keyArn);
  const streamArn = cell.table.tableStreamArn;
  if (!streamArn) throw new Error(`cell ${cell.cellId}: the table has no stream`);
  return {
    cellId: cell.cellId,
    key,
    digestSigningKey: Key.fromKeyArn(scope, 'DigestSigningKey', cell.digestSigningKey.keyArn),
    digestBucket: Bucket.fromBucketName(
      scope,
      'DigestBucket',
      digestBucketName(cell.cellId, Stack.of(scope).account, Stack.of(scope).region),
    ),
    table: TableV2.fromTableAttributes(scope, 'Table', {
      tableName: cellTableName(cell.cellId),
      tableStreamArn: streamArn,
      encryptionKey: key,
      grantIndexPermissions: true,
    }),
    patientKeyTable: TableV2.fromTableAttributes(scope, 'PatientKeys', {
      tableName: patientKeyTableName(cellTableName(cell.cellId)),
      encryptionKey: key,
    }),
    pseudonymKeySecret: Secret.fromSecretCompleteArn(
      scope,
      'PseudonymKey',
      cell.pseudonymKeySecret.secretArn,
    ),
    smartPrivateKeySecret: Secret.fromSecretCompleteArn(
      scope,
      'SmartPrivateKey',
      cell.smartPrivateKeySecret.secretArn,
    ),
    forwardingSecret: Secret.fromSecretCompleteArn(
      scope,
      'ForwardingSecret',
      cell.forwardingSecret.secretArn,
    ),
  };
}

export interface CellFunctions {
  ingest: IFunction;
  deliver: IFunction;
  himApi: IFunction;
  digest: IFunction;
  /** Renders PDFs for the HIM API: no grant on any cell resource, only the API may invoke it. */
  documents: IFunction;
  retention: IFunction;
}

/**
 * Grants each function exactly the cell resources it uses, and nothing of any
 * other cell: the cell's table and key, the secrets it reads (ingest: the
 * forwarding secret; worker: the SMART keys), and the digest chain (below).
 * Secrets are encrypted with the cell key, which every function may already decrypt with.
 */
export function grantCellAccess(cell: CellView, fns: CellFunctions): void {
  for (const fn of [fns.ingest, fns.deliver, fns.himApi]) {
    cell.table.grantReadWriteData(fn);
    cell.pseudonymKeySecret.grantRead(fn);
  }
  // Patient keys: ingest makes them, the worker reads them, the HIM API reads, counts and destroys them.
  cell.patientKeyTable.grant(fns.ingest, 'dynamodb:GetItem', 'dynamodb:PutItem');
  cell.patientKeyTable.grant(fns.deliver, 'dynamodb:GetItem');
  cell.patientKeyTable.grant(fns.himApi, 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Scan');
  cell.key.grantEncryptDecrypt(fns.ingest);
  cell.key.grantDecrypt(fns.deliver);
  cell.key.grantDecrypt(fns.himApi);
  cell.smartPrivateKeySecret.grantRead(fns.deliver);
  cell.forwardingSecret.grantRead(fns.ingest);
  grantDigestAccess(cell, fns);
  fns.himApi.addToRolePolicy(
    new PolicyStatement({
      sid: 'RenderReports',
      actions: ['lambda:InvokeFunction'],
      resources: [fns.documents.functionArn],
    }),
  );
  grantRetentionAccess(cell, fns);

  const senderSecrets = Stack.of(fns.ingest).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${senderSecretsPrefix(cell.cellId)}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  for (const fn of [fns.ingest, fns.deliver]) {
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadSenderSecrets',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [senderSecrets],
      }),
    );
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(fn, 'secretsmanager', `secret:${senderSecretsPrefix(cell.cellId)}*`)}]`,
      reason:
        'Sender secrets are created per sender by the operator under the cell’s prefix; the wildcard stays inside this cell’s sender namespace.',
    });
  }
  const all = [fns.ingest, fns.deliver, fns.himApi, fns.digest, fns.documents, fns.retention];
  confineToRegion(fns.ingest, all);
  for (const fn of all) acknowledgeGrantWildcards(fn, cell.cellId);
}

/** Services that hold or protect a cell's data. */
const REGIONAL_DATA_SERVICES = [
  'dynamodb:*',
  'kms:*',
  'secretsmanager:*',
  's3:*',
  'lambda:*',
  'sqs:*',
  'sns:*',
  'logs:*',
];

/**
 * Attaches one managed policy to every function role: an explicit Deny of the
 * data services in any region but the cell's own, whatever a grant allows.
 */
function confineToRegion(scope: Construct, fns: IFunction[]): void {
  const region = Stack.of(scope).region;
  const policy = new ManagedPolicy(Stack.of(scope), 'StayInCellRegion', {
    description: `visitbridge: deny data services outside ${region}`,
    statements: [
      new PolicyStatement({
        sid: 'DenyOtherRegions',
        effect: Effect.DENY,
        actions: REGIONAL_DATA_SERVICES,
        resources: ['*'],
        conditions: { StringNotEquals: { 'aws:RequestedRegion': region } },
      }),
    ],
  });
  for (const fn of fns) if (fn.role) policy.attachToRole(fn.role);
}

function acknowledgeGrantWildcards(fn: IFunction, cellId: string): void {
  const reasons: Record<string, string> = {
    [`Resource::${nagArn(fn, 'dynamodb', `table/${cellTableName(cellId)}/index/*`)}`]:
      'Queries run on the cell table’s gsi1 and gsi2; the grant covers only indexes of this one table.',
    'Action::kms:GenerateDataKey*':
      'The envelope encryption keyring asks for data keys (GenerateDataKey, WithoutPlaintext) on the one cell key named in the statement.',
    'Action::kms:ReEncrypt*':
      'CDK’s encrypt/decrypt grant on the cell key (and DynamoDB’s use of it for the table); limited to that one key.',
  };
  for (const [finding, reason] of Object.entries(reasons)) {
    Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
