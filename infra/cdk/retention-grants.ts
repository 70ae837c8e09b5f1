import { Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * What the sweep does on the table: query settled deliveries and notes, read chain heads, delete,
 * append its audit entry, mark outbox items it has dealt with, take an older release's TTL off held notes, and put an older
 * release's notes into the patient index (one Scan, until it has reached the table's end once).
 */
export const RETENTION_TABLE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:GetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

/**
 * The retention sweep's grants. The retention function may query and read the cell
 * table, delete items, put items (its one audit entry and its shard's head), update
 * items (to mark outbox items a run has dealt with, remove a TTL from held notes and index an
 * older release's notes), scan it
 * (to find those notes), and
 * use the cell key only through DynamoDB (`kms:ViaService`): it holds no secret and
 * cannot decrypt a note's envelope itself. The HIM API may start a run
 * (`lambda:InvokeFunction`) and nothing more.
 */
export function grantRetentionAccess(
  cell: { table: ITableV2; key: IKey },
  fns: { retention: IFunction; himApi: IFunction },
): void {
  const { retention } = fns;
  cell.table.grant(retention, ...RETENTION_TABLE_ACTIONS);
  retention.addToRolePolicy(
    new PolicyStatement({
      sid: 'TableKeyThroughDynamoDbOnly',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [cell.key.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(retention).region}.amazonaws.com` },
      },
    }),
  );
  fns.himApi.addToRolePolicy(
    new PolicyStatement({
      sid: 'RetentionOnDemand',
      actions: ['lambda:InvokeFunction'],
      resources: [retention.functionArn],
    }),
  );
}
