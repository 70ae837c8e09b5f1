/** Latency and throughput figures of one measured run. */
export interface RunFigures {
  name: string;
  concurrency: number;
  count: number;
  /** Time spent running operations (the sum of the run's blocks when it ran in blocks). */
  seconds: number;
  perSecond: number;
  meanMs: number;
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
 * Times operations run in one or more blocks and sums them into one run's
 * figures: two runs measured in alternating blocks see the same machine load.
 */
export class RunRecorder {
  private readonly latencies: number[] = [];
  private errors = 0;
  private seconds = 0;

  constructor(
    private readonly name: string,
    private readonly concurrency: number,
  ) {}

  /**
   * Runs operations `from` .. `to - 1` with the recorder's concurrency, timing each.
   * An operation returns false (or throws) to count as an error.
   */
  async block(
    from: number,
    to: number,
    op: (i: number) => Promise<boolean>,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    let next = from;
    const started = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= to) return;
        const t0 = performance.now();
        const ok = await op(i).catch(() => false);
        this.latencies.push(performance.now() - t0);
        if (!ok) this.errors++;
        if (onProgress && this.latencies.length % 50 === 0) onProgress(this.latencies.length);
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    this.seconds += (performance.now() - started) / 1000;
  }

  figures(): RunFigures {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const count = sorted.length;
    return {
      name: this.name,
      concurrency: this.concurrency,
      count,
      seconds: this.seconds,
      perSecond: count / this.seconds,
      meanMs: sorted.reduce((sum, ms) => sum + ms, 0) / Math.max(1, count),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      errors: this.errors,
    };
  }
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
  const recorder = new RunRecorder(name, concurrency);
  await recorder.block(0, count, op, onProgress);
  return recorder.figures();
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
