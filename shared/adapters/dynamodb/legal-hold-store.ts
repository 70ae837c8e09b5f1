import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import { covers } from '../../domain/holds/hold.js';
import type { HoldSet, LegalHold, LegalHoldRegistry } from '../../ports/legal-holds.js';
import { HOLDS_PARTITION, HOLDS_VERSION_KEY, holdKey } from './keys.js';
import { queryItems } from './query-pages.js';

const storageError = (what: string, cause: unknown) =>
  new AppError('storage-unavailable', `legal hold ${what} failed`, {}, { cause });

/**
 * Legal holds on the cell table, as records of their own beside the data they
 * protect (never inside hashed ledger entries): partition `HOLDS`, one
 * `HOLD#<holdId>` item per hold and a `VERSION` counter that every placement moves
 * in the same transaction. The retention sweeper makes its deletions conditional
 * on that version (docs/retention.md), so a hold placed mid-run wins.
 */
export class DynamoLegalHolds implements LegalHoldRegistry {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async activeFor(patientRef: string, organizations: readonly string[]): Promise<LegalHold[]> {
    const { holds } = await this.all();
    return holds.filter((hold) => covers(hold, patientRef, organizations));
  }

  async place(hold: LegalHold): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({ ...holdKey(hold.holdId), type: 'legal-hold', ...hold }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: marshall(HOLDS_VERSION_KEY),
                UpdateExpression: 'SET version = if_not_exists(version, :zero) + :one',
                ExpressionAttributeValues: marshall({ ':zero': 0, ':one': 1 }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      throw storageError('write', error);
    }
  }

  async release(holdId: string, by: string, at: string): Promise<LegalHold> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(holdKey(holdId)),
          UpdateExpression: 'SET releasedBy = :by, releasedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(releasedAt)',
          ExpressionAttributeValues: marshall({ ':by': by, ':at': at }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toHold(unmarshall(out.Attributes ?? {}));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storageError('release', error);
      const existing = await this.get(holdId);
      if (!existing) throw new AppError('not-found', `this cell has no legal hold ${holdId}`, { holdId });
      throw new AppError(
        'hold-already-released',
        `legal hold ${holdId} was released at ${existing.releasedAt}`,
        { holdId, releasedAt: existing.releasedAt },
      );
    }
  }

  async all(): Promise<HoldSet> {
    const items = await queryItems(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': HOLDS_PARTITION }),
        ConsistentRead: true,
      },
      (error) => storageError('read', error),
    );
    const version = Number(items.find((item) => item.sk === HOLDS_VERSION_KEY.sk)?.version ?? 0);
    const holds = items
      .filter((item) => item.type === 'legal-hold')
      .map(toHold)
      .sort((a, b) => b.placedAt.localeCompare(a.placedAt) || a.holdId.localeCompare(b.holdId));
    return { holds, version };
  }

  private async get(holdId: string): Promise<LegalHold | undefined> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: marshall(holdKey(holdId)),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw storageError('read', error);
      });
    return out.Item ? toHold(unmarshall(out.Item)) : undefined;
  }
}

function toHold(item: Record<string, unknown>): LegalHold {
  const optional = (name: 'releasedBy' | 'releasedAt') =>
    item[name] === undefined ? {} : { [name]: String(item[name]) };
  return {
    holdId: String(item.holdId),
    scope: item.scope as LegalHold['scope'],
    subject: String(item.subject),
    reason: String(item.reason),
    placedBy: String(item.placedBy),
    placedAt: String(item.placedAt),
    ...optional('releasedBy'),
    ...optional('releasedAt'),
  };
}
