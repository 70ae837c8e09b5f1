import { computeEntryHash } from './chain.js';
import { GENESIS_HASH } from './entry.js';

/** What verification reads of a chained record (a ledger or HIM audit entry); every other field is hashed. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  entryHash: string;
}

/** How a chain was tampered with, as far as the evidence shows. */
export type ChainProblem = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'broken-link';

/** A position in a chain: a seq and the entryHash there (seq 0 and GENESIS_HASH before the first entry). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

export type ChainVerification =
  | { ok: true; count: number; head: ChainPoint }
  | { ok: false; firstBadSeq: number; problem: ChainProblem; detail: string };

export interface VerifyChainOptions {
  /** The entry before the first one given, when verifying a slice; genesis by default. */
  anchor?: ChainPoint;
  /** Where the store's HEAD item or a signed digest says this chain ends; checked when given. */
  head?: ChainPoint;
}

interface Cursor {
  entries: readonly ChainLink[];
  hashes: readonly string[];
  index: number;
  expected: number;
  prevHash: string;
  beforePrevHash: string | undefined;
}

const bad = (problem: ChainProblem, firstBadSeq: number, detail: string): ChainVerification => ({
  ok: false,
  problem,
  firstBadSeq,
  detail,
});

/** The seq an entry was hashed with, when it is not the seq it now carries (a moved entry). */
function originalSeq(entry: ChainLink, span: number): number | undefined {
  for (let distance = 1; distance <= span; distance += 1) {
    for (const seq of [entry.seq - distance, entry.seq + distance]) {
      if (seq >= 1 && computeEntryHash({ ...entry, seq }) === entry.entryHash) return seq;
    }
  }
  return undefined;
}

function classifyAltered(c: Cursor, entry: ChainLink): ChainVerification {
  const moved = originalSeq(entry, c.entries.length + 2);
  if (moved === undefined) {
    return bad(
      'edited',
      entry.seq,
      `entry at seq ${entry.seq} no longer matches its entryHash: a field was changed`,
    );
  }
  if (moved < entry.seq) {
    return bad(
      'inserted',
      moved,
      `entry hashed as seq ${moved} now sits at seq ${entry.seq}: an entry was inserted at seq ${moved}`,
    );
  }
  const laterHasPrev = c.entries.slice(c.index + 1).some((e) => e.entryHash === entry.prevHash);
  if (laterHasPrev) {
    return bad(
      'reordered',
      c.expected,
      `entry hashed as seq ${moved} now sits at seq ${entry.seq}: entries were reordered`,
    );
  }
  return bad(
    'deleted',
    c.expected,
    `entry hashed as seq ${moved} now sits at seq ${entry.seq}: the entry at seq ${c.expected} was deleted and later ones renumbered`,
  );
}

function classifyIntact(c: Cursor, entry: ChainLink): ChainVerification {
  const later = c.entries.slice(c.index + 1);
  if (entry.seq > c.expected) {
    if (later.some((e) => e.seq < entry.seq)) {
      return bad(
        'reordered',
        c.expected,
        `seq ${entry.seq} is stored before a lower seq: entries were reordered`,
      );
    }
    const missing =
      entry.seq - 1 > c.expected ? `seqs ${c.expected}-${entry.seq - 1} are` : `seq ${c.expected} is`;
    return bad('deleted', c.expected, `${missing} missing from the chain`);
  }
  if (entry.seq < c.expected) {
    if (entry.seq === c.expected - 1) {
      return bad('inserted', entry.seq, `two entries claim seq ${entry.seq}: one was inserted`);
    }
    return bad(
      'reordered',
      entry.seq,
      `seq ${entry.seq} is stored after seq ${c.expected - 1}: entries were reordered`,
    );
  }
  if (c.beforePrevHash !== undefined && entry.prevHash === c.beforePrevHash) {
    return bad(
      'inserted',
      c.expected - 1,
      `seq ${entry.seq} links past seq ${c.expected - 1}: that entry was inserted`,
    );
  }
  if (later.some((e) => e.entryHash === entry.prevHash)) {
    return bad(
      'reordered',
      c.expected,
      `seq ${entry.seq} links to an entry stored after it: entries were reordered`,
    );
  }
  return bad(
    'broken-link',
    c.expected,
    `prevHash of seq ${entry.seq} is not the entryHash of seq ${c.expected - 1}: the chain was rewritten here`,
  );
}

function checkHead(end: ChainPoint, head: ChainPoint): ChainVerification | undefined {
  if (end.seq < head.seq) {
    return bad(
      'deleted',
      end.seq + 1,
      `the chain ends at seq ${end.seq} but its head is seq ${head.seq}: the tail was deleted`,
    );
  }
  if (end.seq > head.seq) {
    return bad(
      'inserted',
      head.seq + 1,
      `entries after the recorded head seq ${head.seq}: seq ${head.seq + 1} was inserted`,
    );
  }
  if (end.hash !== head.hash) {
    return bad(
      'edited',
      head.seq,
      `the entry at seq ${head.seq} does not match the recorded head hash: the chain was rewritten`,
    );
  }
  return undefined;
}

/**
 * Verifies one shard's hash chain, entries in stored order (ascending seq). Pure.
 *
 * Detects an edited entry (its hash no longer matches), a deleted one (a seq gap,
 * a renumbered tail, or an end short of `head`), an inserted one (a forged entry
 * with a well-formed hash that others link past or were renumbered around, or
 * one beyond `head`) and reordered entries, and names the first bad seq. A chain
 * rewritten wholesale with fresh hashes is only caught against a pinned `head`.
 *
 * @example
 * const result = verifyChain(await store.readShard(0), { head });
 * if (!result.ok) console.log(result.problem, result.firstBadSeq);
 */
export function verifyChain(
  entries: readonly ChainLink[],
  options: VerifyChainOptions = {},
): ChainVerification {
  const c: Cursor = {
    entries,
    hashes: entries.map((e) => computeEntryHash(e)),
    index: 0,
    expected: (options.anchor?.seq ?? 0) + 1,
    prevHash: options.anchor?.hash ?? GENESIS_HASH,
    beforePrevHash: undefined,
  };
  for (; c.index < entries.length; c.index += 1) {
    const entry = entries[c.index] as ChainLink;
    if (c.hashes[c.index] !== entry.entryHash) return classifyAltered(c, entry);
    if (entry.seq !== c.expected || entry.prevHash !== c.prevHash) return classifyIntact(c, entry);
    c.beforePrevHash = c.prevHash;
    c.prevHash = entry.entryHash;
    c.expected += 1;
  }
  const end = { seq: c.expected - 1, hash: c.prevHash };
  const headProblem = options.head ? checkHead(end, options.head) : undefined;
  return headProblem ?? { ok: true, count: entries.length, head: end };
}
