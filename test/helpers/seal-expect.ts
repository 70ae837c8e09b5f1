import type { SealReport } from '../../shared/domain/seal/verify-sealed.js';

/**
 * The report fails, on `shard` alone, first at `firstBadSeq` with `problem`, and its
 * first problem names that shard and seq (or matches `named`).
 */
export function expectShardFailure(
  report: SealReport,
  shard: number,
  problem: string,
  firstBadSeq: number,
  named = new RegExp(`^shard ${shard}: .*\\bseqs? ${firstBadSeq}\\b`),
): void {
  expect(report.ok).toBe(false);
  expect(report.shards[shard]).toMatchObject({ ok: false, problem, firstBadSeq });
  expect(report.shards.filter((s) => !s.ok)).toHaveLength(1);
  expect(report.problems[0]).toMatch(named);
}

/** The report fails on exactly one stray item, every shard chain intact, and names the item first. */
export function expectStray(report: SealReport, key: string, reason: RegExp): void {
  expect(report.ok).toBe(false);
  expect(report.strays).toEqual([{ key, reason: expect.stringMatching(reason) }]);
  expect(report.shards.every((s) => s.ok)).toBe(true);
  expect(report.problems[0]).toBe(`item ${key}: ${report.strays[0]?.reason}`);
}
