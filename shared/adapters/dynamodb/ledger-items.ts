import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry, ShardHead } from '../../domain/ledger/entry.js';
import type { LedgerDigest } from '../../ports/ledger.js';

/**
 * Item layout of the ledger in the cell table:
 * - `LEDGER#<shard>` / `SEQ#<12-digit seq>`: one entry, its fields as top-level attributes,
 *   plus gsi1pk `LEDGER`, gsi1sk `<at ISO>#<shard>#<12-digit seq>` for time-range queries
 * - `LEDGER#<shard>` / `HEAD`: `{ seq, hash }` of the shard's last entry
 * - `LEDGER#DIGEST` / `<at ISO>`: a signed digest of every shard head
 */
export const LEDGER_GSI = { name: 'gsi1', pk: 'LEDGER' } as const;
export const HEAD_SK = 'HEAD';
export const DIGEST_PK = 'LEDGER#DIGEST';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const DIGEST_KEYS = ['pk', 'sk'] as const;

export type Item = Record<string, AttributeValue>;

export const pad12 = (n: number): string => String(n).padStart(12, '0');
export const shardPk = (shard: number): string => `LEDGER#${shard}`;
export const seqSk = (seq: number): string => `SEQ#${pad12(seq)}`;

export const entryKey = (shard: number, seq: number) => ({ pk: shardPk(shard), sk: seqSk(seq) });

/** The full key (table and gsi1) of an entry; also what a query cursor holds. */
export const entryIndexKey = (e: Pick<LedgerEntry, 'shard' | 'seq' | 'at'>) => ({
  ...entryKey(e.shard, e.seq),
  gsi1pk: LEDGER_GSI.pk,
  gsi1sk: `${e.at}#${e.shard}#${pad12(e.seq)}`,
});

export const entryToItem = (entry: LedgerEntry): Item =>
  marshall({ ...entryIndexKey(entry), ...entry }, { removeUndefinedValues: true });

/**
 * The entry an item holds: every attribute except the keys, so an attribute added
 * or changed behind the application's back changes the hash and is detected.
 */
export function itemToEntry(item: Item): LedgerEntry {
  const data = unmarshall(item);
  for (const key of KEY_ATTRIBUTES) delete data[key];
  return data as LedgerEntry;
}

export const headKey = (shard: number) => ({ pk: shardPk(shard), sk: HEAD_SK });

export function itemToHead(shard: number, item: Item | undefined): ShardHead | undefined {
  if (!item) return undefined;
  const { seq, hash } = unmarshall(item) as { seq: number; hash: string };
  return { shard, seq, hash };
}

export const digestToItem = (digest: LedgerDigest): Item =>
  marshall({ pk: DIGEST_PK, sk: digest.at, ...digest }, { removeUndefinedValues: true });

export function itemToDigest(item: Item): LedgerDigest {
  const data = unmarshall(item);
  for (const key of DIGEST_KEYS) delete data[key];
  return data as LedgerDigest;
}

type CursorKey = ReturnType<typeof entryIndexKey>;

/** Opaque base64url page cursor: the index key of the last entry returned. */
export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

/** The index key in a cursor, or undefined when the cursor is not one `encodeCursor` made. */
export function decodeCursor(cursor: string): Item | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid =
      typeof key === 'object' &&
      key !== null &&
      Object.keys(key).length === KEY_ATTRIBUTES.length &&
      KEY_ATTRIBUTES.every((k) => typeof key[k] === 'string') &&
      key.gsi1pk === LEDGER_GSI.pk &&
      String(key.pk).startsWith('LEDGER#');
    return valid ? marshall(key) : undefined;
  } catch {
    return undefined;
  }
}
