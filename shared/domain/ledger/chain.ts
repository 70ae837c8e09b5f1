import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { GENESIS_HASH, type ShardHead, type UnsealedEntry } from './entry.js';

/**
 * The one field outside the hash: the hash itself. Every other attribute of a
 * stored record is hashed, so nothing in a record can change unnoticed; state that
 * changes after the fact (HIM reviews) lives in records of its own.
 */
export const UNHASHED_FIELDS = ['entryHash'] as const;

/** The fields a chain adds to what a caller supplies: position and hashes. */
export interface ChainFields {
  shard: number;
  seq: number;
  prevHash: string;
  entryHash: string;
}

/**
 * The hash an entry must carry: SHA-256 (hex) of the canonical JSON of every hashed field, prevHash included.
 * Any chained record (ledger or HIM audit entry) hashes the same way.
 */
export function computeEntryHash(entry: object): string {
  const hashed: Record<string, unknown> = { ...entry };
  for (const field of UNHASHED_FIELDS) delete hashed[field];
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** The head of a shard with no entries. */
export const emptyHead = (shard: number): ShardHead => ({ shard, seq: 0, hash: GENESIS_HASH });

/**
 * Chains entries onto a shard head: consecutive seqs, each prevHash the previous
 * entryHash. Returns the sealed entries and the new head. Pure. Generic so the
 * HIM audit chain seals its records exactly as the ledger does.
 */
export function sealEntries<T extends object = UnsealedEntry>(
  head: ShardHead,
  entries: readonly T[],
): { sealed: Array<T & ChainFields>; head: ShardHead } {
  let { seq, hash } = head;
  const sealed = entries.map((entry) => {
    seq += 1;
    const unhashed = { ...entry, shard: head.shard, seq, prevHash: hash };
    hash = computeEntryHash(unhashed);
    return { ...unhashed, entryHash: hash };
  });
  return { sealed, head: { shard: head.shard, seq, hash } };
}

/** Shards of a cell's ledger unless configured otherwise: four independent chains, four appenders in parallel. */
export const DEFAULT_LEDGER_SHARDS = 4;

/**
 * The shard a note's entries go to: stable for a key, so every movement of one
 * note sits in one chain in order. Uses the first 32 bits of SHA-256(key).
 *
 * @throws RangeError when `shards` is not a positive integer.
 */
export function shardFor(noteKey: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1)
    throw new RangeError(`shard count must be >= 1, got ${shards}`);
  return createHash('sha256').update(noteKey, 'utf8').digest().readUInt32BE(0) % shards;
}

/** The key an entry is sharded by: its note id, or its transfer id when it concerns no note. */
export const shardKeyOf = (entry: UnsealedEntry): string => entry.noteId ?? entry.transferId;
