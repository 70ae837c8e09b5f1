import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { LedgerEntry } from '../../domain/ledger/entry.js';
import type { LedgerDigest } from '../../ports/ledger.js';
import { storageError } from './chain-errors.js';
import type { ChainTable } from './chain-table.js';
import { DIGEST_PK, digestToItem, itemToDigest } from './ledger-items.js';

/** The signed head digests of a cell's ledger (`LEDGER#DIGEST` / `<at ISO>`), beside its chains. */
export class LedgerDigests {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly chain: ChainTable<LedgerEntry>,
  ) {}

  /**
   * Stores a signed digest; at most one per instant.
   *
   * @throws AppError('version-conflict') when a digest for that instant exists;
   *   AppError('storage-unavailable') when DynamoDB fails.
   */
  async put(digest: LedgerDigest): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: digestToItem(digest),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new AppError(
          'version-conflict',
          `a ledger digest for ${digest.at} already exists`,
          {},
          { cause: error },
        );
      }
      throw storageError('ledger digest write failed', error);
    }
  }

  /** The most recent digest, if any. @throws AppError('storage-unavailable') when DynamoDB fails. */
  async latest(): Promise<LedgerDigest | undefined> {
    const page = await this.chain.runQuery({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': DIGEST_PK }),
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
    });
    const item = page.Items?.[0];
    return item ? itemToDigest(item) : undefined;
  }
}
