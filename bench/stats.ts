/** Latency and throughput figures of one measured run. */
export interface RunFigures {
  name: string;
  concurrency: number;
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/**
 * Runs `count` operations with `concurrency` workers, timing each one.
 * An operation returns false (or throws) to count as an error.
 */
export async function measure(
  name: string,
  concurrency: number,
  count: number,
  op: (i: number) => Promise<boolean>,
  onProgress?: (done: number) => void,
): Promise<RunFigures> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = performance.now();
      const ok = await op(i).catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
      if (onProgress && latencies.length % 50 === 0) onProgress(latencies.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    concurrency,
    count,
    seconds,
    perSecond: count / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

/** A fixed-width table for the terminal. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => r.map((c, i) => String(c).padStart(widths[i] ?? 0)).join('  ');
  return [
    line(cells[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

export const fmt = (n: number): string =>
  Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(2);

/** A pass/fail mark for a figure against its target. */
export const mark = (pass: boolean): string => (pass ? '✓ pass' : '✗ FAIL');
