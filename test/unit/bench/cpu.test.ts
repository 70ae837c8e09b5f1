import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { CpuTimeline, cpuPerNote, cpuSample } from '../../../bench/cpu.js';

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Keeps this thread busy until it has used `ms` of CPU time (however loaded the machine is). */
function spin(ms: number): void {
  const until = cpuMs() + ms;
  while (cpuMs() < until) {
    // busy on purpose: the CPU time is what is measured
  }
}

describe('bench CPU accounting', () => {
  it('divides CPU time by notes and by wall time', () => {
    const figures = cpuPerNote(
      { at: 1_000, stackMs: 100, dynamoLocalMs: 50 },
      { at: 2_000, stackMs: 600, dynamoLocalMs: 250 },
      10,
    );
    expect(figures).toEqual({ stackMsPerNote: 50, dynamoLocalMsPerNote: 20, stackCores: 0.5 });
  });

  it('leaves DynamoDB Local out when either sample could not read it, and counts no notes as zero', () => {
    const figures = cpuPerNote({ at: 0, stackMs: 0 }, { at: 100, stackMs: 40, dynamoLocalMs: 9 }, 0);
    expect(figures).toEqual({ stackMsPerNote: 0, stackCores: 0.4 });
  });

  // /proc is Linux's: elsewhere the bench prints n/a for DynamoDB Local.
  const onLinux = existsSync('/proc/self/stat') ? it : it.skip;

  onLinux(
    'reads another process’s CPU time from /proc, and none for a process that is not there',
    async () => {
      const child = spawn(process.execPath, ['-e', 'for (;;);']);
      try {
        const first = cpuSample(child.pid).dynamoLocalMs ?? Number.NaN;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const later = cpuSample(child.pid).dynamoLocalMs ?? Number.NaN;
        expect(first).toBeGreaterThanOrEqual(0);
        expect(later).toBeGreaterThan(first);
      } finally {
        child.kill();
        await once(child, 'exit');
      }
      expect(cpuSample(2 ** 30).dynamoLocalMs).toBeUndefined();
    },
  );

  it('reads a window of a timeline over the notes done inside it', async () => {
    const timeline = new CpuTimeline();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const from = Date.now();
    spin(200);
    const to = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 60));
    timeline.stop();
    const doneAt = [from - 10_000, from + 50, from + 100, to, to + 10_000];
    const figures = timeline.window(doneAt, from, to);
    // The three notes inside; the window holds at least the 200 ms of CPU spent between `from` and `to`.
    expect(figures.stackMsPerNote * 3).toBeGreaterThanOrEqual(200);
    expect(figures.stackCores).toBeGreaterThan(0);
    expect(figures.dynamoLocalMsPerNote).toBeUndefined();
  });
});
