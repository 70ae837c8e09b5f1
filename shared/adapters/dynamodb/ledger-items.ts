import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry } from '../../domain/ledger/entry.js';
import type { LedgerDigest } from '../../ports/ledger.js';
import { chainLayout, type Item } from './chain-items.js';

/**
 * Item layout of the ledger in the cell table: the chain layout under `LEDGER`
 * (`LEDGER#<shard>` / `SEQ#…` entries, `LEDGER#<shard>` / `HEAD`, gsi1pk `LEDGER`;
 * see chain-items.ts), plus `LEDGER#DIGEST` / `<at ISO>`: a signed digest of every shard head.
 */
export const LEDGER_CHAIN = chainLayout<LedgerEntry>('LEDGER');
export const DIGEST_PK = 'LEDGER#DIGEST';

const DIGEST_KEYS = ['pk', 'sk'] as const;

/** The item that stores an entry (keys and gsi1 keys included). */
export const entryToItem = (entry: LedgerEntry): Item => LEDGER_CHAIN.entryToItem(entry);

export const digestToItem = (digest: LedgerDigest): Item =>
  marshall({ pk: DIGEST_PK, sk: digest.at, ...digest }, { removeUndefinedValues: true });

export function itemToDigest(item: Item): LedgerDigest {
  const data = unmarshall(item);
  for (const key of DIGEST_KEYS) delete data[key];
  return data as LedgerDigest;
}
