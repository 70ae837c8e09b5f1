import type { ChainInventory, ChainRecord } from '../../ports/sealable-chain.js';
import type { SignedDigest } from './digest.js';

/** How far a record's or digest's time may run ahead of the verifier's clock. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface UnsealedOutcome {
  ok: boolean;
  count: number;
  oldestAt?: string;
  deadline?: string;
  problem: string;
}

interface UnsealedInput {
  inventory: ChainInventory;
  now: Date;
  intervalMs: number;
  source?: 'table' | 'export';
}

const place = (r: ChainRecord): string => `shard ${r.shard} seq ${r.seq}`;

/**
 * Whether records newer than the latest digest are still within their sealing
 * deadline. A record's time is written by whoever writes the table, so it is not
 * trusted alone: the clock starts at the record's time or at the latest digest's
 * signed time, whichever is earlier (digests are made every interval, so records
 * left unsealed two intervals after the latest digest mean digests stopped or were
 * withheld), and an unsealed record dated ahead of the verifier's clock fails
 * outright (else forward-dating would postpone the deadline forever). Pure.
 */
export function unsealedCheck(input: UnsealedInput, latest: SignedDigest | undefined): UnsealedOutcome {
  const unsealed: ChainRecord[] = [];
  for (const [shard, records] of input.inventory.shards) {
    const sealed = latest?.shards[shard]?.seq ?? 0;
    unsealed.push(...records.filter((r) => r.seq > sealed));
  }
  const oldest = unsealed.reduce<ChainRecord | undefined>(
    (min, r) => (min === undefined || r.at < min.at ? r : min),
    undefined,
  );
  const base = { count: unsealed.length, ...(oldest ? { oldestAt: oldest.at } : {}) };
  const future = unsealed.find((r) => !(Date.parse(r.at) <= input.now.getTime() + CLOCK_SKEW_MS));
  if (future) {
    return {
      ok: false,
      ...base,
      problem: `${place(future)} is unsealed and dated '${future.at}', not before the time of verification: its time was forged`,
    };
  }
  if (input.source === 'export' || !oldest) return { ok: true, ...base, problem: '' };
  const start = latest && latest.at < oldest.at ? latest.at : oldest.at;
  const allowedMs = latest ? 2 * input.intervalMs : input.intervalMs;
  const deadline = new Date(Date.parse(start) + allowedMs).toISOString();
  if (Date.parse(deadline) >= input.now.getTime()) return { ok: true, ...base, deadline, problem: '' };
  const others = unsealed.length > 1 ? ` and ${unsealed.length - 1} other record(s)` : '';
  return {
    ok: false,
    ...base,
    deadline,
    problem: latest
      ? `${place(oldest)}${others} unsealed past ${deadline}, two digest intervals after ${start}: digests stopped or were withheld`
      : `${place(oldest)}${others} dated ${oldest.at}, but no digest exists after one digest interval`,
  };
}
