import type { DigestSigner } from '../../ports/digest-signer.js';
import type { LedgerDigest, LedgerStore } from '../../ports/ledger.js';
import { digestSignatureValid } from './digest.js';
import type { LedgerEntry, ShardHead } from './entry.js';
import { type ChainVerification, verifyChain } from './verify-chain.js';

export type DigestCheck =
  | { status: 'absent' }
  | { status: 'valid'; at: string; keyId: string }
  | { status: 'bad-signature'; at: string; keyId: string };

export interface ShardVerification {
  shard: number;
  result: ChainVerification;
}

export interface LedgerVerification {
  ok: boolean;
  cell: string;
  shards: ShardVerification[];
  digest: DigestCheck;
}

/** Checks that a shard's entries still contain the head a signed digest pinned. */
function checkPin(entries: readonly LedgerEntry[], pin: ShardHead): ChainVerification | undefined {
  if (pin.seq === 0) return undefined;
  const entry = entries.find((e) => e.seq === pin.seq);
  if (!entry) {
    return {
      ok: false,
      problem: 'deleted',
      firstBadSeq: pin.seq,
      detail: `seq ${pin.seq}, pinned by the signed digest, is missing`,
    };
  }
  if (entry.entryHash !== pin.hash) {
    return {
      ok: false,
      problem: 'edited',
      firstBadSeq: pin.seq,
      detail: `seq ${pin.seq} differs from the hash pinned by the signed digest: the chain up to it was rewritten`,
    };
  }
  return undefined;
}

/**
 * Verifies a cell's whole ledger: every shard's chain against its recorded head,
 * the latest signed digest's signature, and that each shard still contains the
 * head that digest pinned. `ok` is false on any tampering or a bad signature;
 * a cell without a digest yet verifies its chains only (`digest.status: 'absent'`).
 *
 * @throws AppError('storage-unavailable') when the store or signer fails.
 */
export async function verifyLedger(store: LedgerStore, signer: DigestSigner): Promise<LedgerVerification> {
  const [heads, digest] = await Promise.all([store.heads(), store.latestDigest()]);
  const digestCheck = await checkDigest(digest, store.cellId, signer);
  const pins = new Map(
    digestCheck.status === 'valid' && digest ? digest.shards.map((s) => [s.shard, s]) : [],
  );
  const shardIds = new Set([...heads.map((h) => h.shard), ...pins.keys()]);
  const shards: ShardVerification[] = [];
  for (const shard of [...shardIds].sort((a, b) => a - b)) {
    const entries = await store.readShard(shard);
    const head = heads.find((h) => h.shard === shard);
    const pin = pins.get(shard);
    const chain = verifyChain(entries, head ? { head } : {});
    const result = chain.ok && pin ? (checkPin(entries, pin) ?? chain) : chain;
    shards.push({ shard, result });
  }
  const ok = shards.every((s) => s.result.ok) && digestCheck.status !== 'bad-signature';
  return { ok, cell: store.cellId, shards, digest: digestCheck };
}

async function checkDigest(
  digest: LedgerDigest | undefined,
  cellId: string,
  signer: DigestSigner,
): Promise<DigestCheck> {
  if (!digest) return { status: 'absent' };
  const valid = await digestSignatureValid(digest, cellId, signer);
  return { status: valid ? 'valid' : 'bad-signature', at: digest.at, keyId: digest.keyId };
}
