import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one definition of a cell table's shape. CDK (`infra/cdk`) and the local
 * runtime both build the table from these constants, so the two never drift.
 *
 * Single-table layout (all keys strings):
 * - `NOTE#<sender>#<noteId>`, one partition per note, read whole by the delivery worker in one query:
 *   - `V#<version>[#R]`                  encrypted note version (gsi2 `PATIENT#<pt_ref>` / `<receivedAt>#…`:
 *                                        a patient's notes, for holds and erasure)
 *   - `OUTBOX#V#<version>[#R]`           delivery outbox item + status (stream feeds the worker;
 *                                        gsi1 `DELIVERY#<state>` / `<receivedAt>#…`)
 *   - `CALLBACK#V#<version>[#R]#<seq>`   sender callback row (stream feeds the callback lane;
 *                                        gsi1 `CALLBACK#failed` once it failed)
 * - `MSG#<sender>#<webhook-id>` / `MSG`            webhook-id idempotency record (TTL)
 * - `LEDGER#<shard>` / `SEQ#<seq>` and `HEAD`       transfers ledger hash chain
 * - `AUDIT#<shard>` / `SEQ#<seq>` and `HEAD`        HIM audit chain
 * - `ERASURE#<erasureId>` / `ERASURE`              an erasure request (preview, execution, certificate)
 * - `HOLDS` / `HOLD#<holdId>` and `VERSION`         legal holds and the version of their set
 */
export const CELL_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL removes the item after it. */
  ttlAttribute: 'expiresAt',
  streamView: 'NEW_AND_OLD_IMAGES',
  globalIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/** Physical table name of a cell; CDK and the local runtime agree on it. */
export const cellTableName = (cellId: string): string => `visitbridge-${cellId}`;

/** CreateTable input for the local runtime and tests (DynamoDB Local). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyNames = [
    CELL_TABLE.partitionKey,
    CELL_TABLE.sortKey,
    ...CELL_TABLE.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: CELL_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: CELL_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: CELL_TABLE.globalIndexes.map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: CELL_TABLE.streamView },
  };
}
