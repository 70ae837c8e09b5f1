import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ShardHead } from '../../domain/ledger/entry.js';
import type { ChainInventory, ChainRecord } from '../../ports/sealable-chain.js';
import { storageError } from './chain-errors.js';
import type { ChainLayout, ChainLink, Item } from './chain-items.js';

const HEAD_ATTRIBUTES = ['hash', 'pk', 'seq', 'sk'];

/**
 * Reads everything a table holds for one chain family in one consistent scan: items
 * in its partitions (`P#…`) and items in its index partition (gsi1pk `P`), wherever
 * their own key is. Each is placed (a record of a known shard, a HEAD) or reported
 * as a stray, so nothing a reader could be shown escapes verification.
 *
 * @throws AppError('storage-unavailable') when DynamoDB fails.
 */
export async function scanInventory<E extends ChainLink>(
  client: DynamoDBClient,
  tableName: string,
  layout: ChainLayout<E>,
  shardCount: number,
): Promise<ChainInventory> {
  const inventory: ChainInventory = { shards: new Map(), heads: new Map(), strays: [] };
  const scan = (start: Item | undefined) =>
    client
      .send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'begins_with(pk, :prefix) OR gsi1pk = :gsi',
          ExpressionAttributeValues: { ':prefix': { S: `${layout.gsi.pk}#` }, ':gsi': { S: layout.gsi.pk } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      )
      .catch((error: unknown) => {
        throw storageError(`${layout.gsi.pk.toLowerCase()} scan failed`, error);
      });
  let start: Item | undefined;
  do {
    const page = await scan(start);
    for (const item of page.Items ?? []) place(inventory, layout, shardCount, item);
    start = page.LastEvaluatedKey;
  } while (start);
  for (const records of inventory.shards.values()) records.sort((a, b) => a.seq - b.seq);
  return inventory;
}

function place<E extends ChainLink>(
  inventory: ChainInventory,
  layout: ChainLayout<E>,
  shardCount: number,
  item: Item,
): void {
  const pk = item.pk?.S ?? '?';
  const sk = item.sk?.S ?? '?';
  const stray = (reason: string): void => void inventory.strays.push({ key: `${pk} / ${sk}`, reason });
  const shard = layout.shardOfPk(pk);
  if (shard === undefined || shard >= shardCount) {
    stray(`partition ${pk} is not one of the ${shardCount} shard(s) of this chain`);
    return;
  }
  if (sk === 'HEAD') {
    const head = headOf(shard, item);
    if (head) inventory.heads.set(shard, head);
    else stray('a HEAD item must hold exactly seq and hash');
    return;
  }
  const record = layout.itemToEntry(item) as unknown as ChainRecord;
  if (!Number.isInteger(record.seq) || sk !== layout.seqSk(record.seq) || record.shard !== shard) {
    stray('its sort key or shard does not match the record it holds');
    return;
  }
  const index = layout.entryIndexKey(record as unknown as E);
  if (item.gsi1pk?.S !== index.gsi1pk || item.gsi1sk?.S !== index.gsi1sk) {
    stray('its index attributes disagree with the record, so readers would list it elsewhere or not at all');
  }
  inventory.shards.set(shard, [...(inventory.shards.get(shard) ?? []), record]);
}

function headOf(shard: number, item: Item): ShardHead | undefined {
  const names = Object.keys(item).sort();
  if (names.join() !== HEAD_ATTRIBUTES.join()) return undefined;
  const { seq, hash } = unmarshall(item) as { seq: unknown; hash: unknown };
  return Number.isInteger(seq) && typeof hash === 'string' ? { shard, seq: seq as number, hash } : undefined;
}
