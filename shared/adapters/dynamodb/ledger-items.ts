import type { LedgerEntry } from '../../domain/ledger/entry.js';
import { chainLayout, type Item } from './chain-items.js';

/**
 * Item layout of the ledger in the cell table: the chain layout under `LEDGER`
 * (`LEDGER#<shard>` / `SEQ#…` entries, `LEDGER#<shard>` / `HEAD`, gsi1pk `LEDGER`;
 * see chain-items.ts). Nothing else lives in `LEDGER#` partitions: the signed
 * digests are kept outside the table (see shared/ports/digest-anchor.ts).
 */
export const LEDGER_CHAIN = chainLayout<LedgerEntry>('LEDGER');

/** The item that stores an entry (keys and gsi1 keys included). */
export const entryToItem = (entry: LedgerEntry): Item => LEDGER_CHAIN.entryToItem(entry);
