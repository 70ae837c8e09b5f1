import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChainFields } from '../../domain/ledger/chain.js';
import type { ShardHead } from '../../domain/ledger/entry.js';

export type Item = Record<string, AttributeValue>;

/** What every chained record carries that its item layout needs: position, hashes and ISO instant. */
export type ChainLink = ChainFields & { at: string };

/** The full key (table and gsi1) of a link; also what a query cursor holds. */
export interface LinkIndexKey {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}

/**
 * Item layout of one family of hash chains in the cell table, all keyed by a
 * prefix `P` (`LEDGER`, `AUDIT`):
 * - `P#<shard>` / `SEQ#<12-digit seq>`: one link, its fields as top-level attributes,
 *   plus gsi1pk `P`, gsi1sk `<at ISO>#<shard>#<12-digit seq>` for time-range queries
 * - `P#<shard>` / `HEAD`: `{ seq, hash }` of the shard's last link
 */
export interface ChainLayout<E extends ChainLink> {
  readonly gsi: { readonly name: 'gsi1'; readonly pk: string };
  shardPk(shard: number): string;
  seqSk(seq: number): string;
  entryKey(shard: number, seq: number): { pk: string; sk: string };
  headKey(shard: number): { pk: string; sk: string };
  entryIndexKey(link: Pick<E, 'shard' | 'seq' | 'at'>): LinkIndexKey;
  /** Whether a partition key is one of this family's shards (not a digest or any other item). */
  holdsShard(pk: string): boolean;
  /** The shard a partition key names (`P#<n>`, n in decimal without leading zeros), or undefined. */
  shardOfPk(pk: string): number | undefined;
  entryToItem(link: E): Item;
  /**
   * The link an item holds: every attribute except the keys, so an attribute added
   * or changed behind the application's back changes the hash and is detected.
   */
  itemToEntry(item: Item): E;
  itemToHead(shard: number, item: Item | undefined): ShardHead | undefined;
  /** Opaque base64url page cursor: the index key of the last link returned. */
  encodeCursor(key: LinkIndexKey): string;
  /** The index key in a cursor, or undefined when the cursor is not one `encodeCursor` made. */
  decodeCursor(cursor: string): Item | undefined;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const HEAD_SK = 'HEAD';

const pad12 = (n: number): string => String(n).padStart(12, '0');

/**
 * The item layout of the chains under `prefix`. The ledger and the HIM audit
 * log are both such chains; only their prefix and record type differ.
 *
 * @example
 * const audit = chainLayout<AuditEntry>('AUDIT');
 * audit.headKey(0); // { pk: 'AUDIT#0', sk: 'HEAD' }
 */
export function chainLayout<E extends ChainLink>(prefix: string): ChainLayout<E> {
  const gsi = { name: 'gsi1', pk: prefix } as const;
  const shardPk = (shard: number): string => `${prefix}#${shard}`;
  const seqSk = (seq: number): string => `SEQ#${pad12(seq)}`;
  const entryKey = (shard: number, seq: number) => ({ pk: shardPk(shard), sk: seqSk(seq) });
  const entryIndexKey = (link: Pick<E, 'shard' | 'seq' | 'at'>): LinkIndexKey => ({
    ...entryKey(link.shard, link.seq),
    gsi1pk: gsi.pk,
    gsi1sk: `${link.at}#${link.shard}#${pad12(link.seq)}`,
  });
  return {
    gsi,
    shardPk,
    seqSk,
    entryKey,
    headKey: (shard) => ({ pk: shardPk(shard), sk: HEAD_SK }),
    entryIndexKey,
    holdsShard: (pk) => pk.startsWith(`${prefix}#`) && /^\d+$/.test(pk.slice(prefix.length + 1)),
    shardOfPk: (pk) => {
      const match = new RegExp(`^${prefix}#(0|[1-9]\\d{0,5})$`).exec(pk);
      return match ? Number(match[1]) : undefined;
    },
    entryToItem: (link) => marshall({ ...entryIndexKey(link), ...link }, { removeUndefinedValues: true }),
    itemToEntry: (item) => {
      const data = unmarshall(item);
      for (const key of KEY_ATTRIBUTES) delete data[key];
      return data as E;
    },
    itemToHead: (shard, item) => {
      if (!item) return undefined;
      const { seq, hash } = unmarshall(item) as { seq: number; hash: string };
      return { shard, seq, hash };
    },
    encodeCursor: (key) => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decodeCursor: (cursor) => {
      try {
        const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
        const valid =
          typeof key === 'object' &&
          key !== null &&
          Object.keys(key).length === KEY_ATTRIBUTES.length &&
          KEY_ATTRIBUTES.every((k) => typeof key[k] === 'string') &&
          key.gsi1pk === gsi.pk &&
          String(key.pk).startsWith(`${prefix}#`);
        return valid ? marshall(key) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
