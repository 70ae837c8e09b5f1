import type { AnchoredObject } from '../../ports/digest-anchor.js';
import type { ChainRecord, StrayItem } from '../../ports/sealable-chain.js';
import type { SealedChainName } from './digest.js';
import { type SealReport, verifySealed } from './verify-sealed.js';

/** What an auditor receives: every record of a chain family, its digest chain as stored, and when. */
export interface ExportBundle {
  chain: SealedChainName;
  cell: string;
  /** Every record of every shard (any order), as exported. */
  records: readonly unknown[];
  /** The anchor's objects for this chain, byte for byte. */
  objects: readonly AnchoredObject[];
}

const isRecord = (value: unknown): value is ChainRecord => {
  const r = value as Partial<ChainRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isInteger(r.shard) &&
    (r.shard as number) >= 0 &&
    Number.isInteger(r.seq) &&
    (r.seq as number) >= 1 &&
    typeof r.prevHash === 'string' &&
    typeof r.entryHash === 'string' &&
    typeof r.at === 'string'
  );
};

/**
 * Verifies an export offline, with nothing but the bundle and the public key the
 * auditor trusts (obtained apart from the bundle): the digest chain, every shard
 * chain from genesis, every sealed head. Records newer than the last digest are
 * reported as unsealed (they prove nothing yet) without failing. Pure.
 */
export function verifyExportBundle(bundle: ExportBundle, publicKeyPem: string, now: Date): SealReport {
  const shards = new Map<number, ChainRecord[]>();
  const strays: StrayItem[] = [];
  bundle.records.forEach((record, line) => {
    if (!isRecord(record)) {
      strays.push({
        key: `record ${line + 1}`,
        reason: 'is not a chained record (shard, seq, prevHash, entryHash, at)',
      });
      return;
    }
    shards.set(record.shard, [...(shards.get(record.shard) ?? []), record]);
  });
  for (const records of shards.values()) records.sort((a, b) => a.seq - b.seq);
  const shardCount = Math.max(1, ...[...shards.keys()].map((s) => s + 1));
  const latestObject = bundle.objects.at(-1);
  const declared = latestObject ? shardCountOf(latestObject.body) : undefined;
  return verifySealed({
    chain: bundle.chain,
    cell: bundle.cell,
    shardCount: declared ?? shardCount,
    objects: bundle.objects,
    publicKeyPem,
    inventory: { shards, heads: new Map(), strays },
    now,
    intervalMs: 0,
    source: 'export',
  });
}

/** The shard count the latest digest declares (verification checks the digest itself). */
function shardCountOf(body: string): number | undefined {
  try {
    const count = (JSON.parse(body) as { shardCount?: unknown }).shardCount;
    return Number.isInteger(count) ? (count as number) : undefined;
  } catch {
    return undefined;
  }
}
