import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { CpuTimeline, cpuPerNote, cpuSample } from '../../../bench/cpu.js';
import { createTestTable, testDynamoClient } from '../../helpers/dynamo.js';

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
      { at: 1_000, stackMs: 100, stackMainMs: 80, dynamoLocalMs: 50, dynamoSqliteMs: 10 },
      { at: 2_000, stackMs: 600, stackMainMs: 480, dynamoLocalMs: 250, dynamoSqliteMs: 110 },
      10,
    );
    expect(figures).toEqual({
      stackMsPerNote: 50,
      dynamoLocalMsPerNote: 20,
      stackCores: 0.5,
      stackMainCores: 0.4,
      dynamoLocalCores: 0.2,
      dynamoSqliteCores: 0.1,
    });
  });

  it('leaves DynamoDB Local out when either sample could not read it, and counts no notes as zero', () => {
    const figures = cpuPerNote(
      { at: 0, stackMs: 0, dynamoSqliteMs: 1 },
      { at: 100, stackMs: 40, dynamoLocalMs: 9, stackMainMs: 30 },
      0,
    );
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

  onLinux('reads this process’s main thread apart from its other threads', () => {
    const before = cpuSample();
    spin(150);
    const after = cpuSample();
    const main = (after.stackMainMs ?? Number.NaN) - (before.stackMainMs ?? Number.NaN);
    // The spin runs on this thread (clock ticks are 10 ms); no thread of the process can have used more than the process.
    expect(main).toBeGreaterThanOrEqual(120);
    expect(after.stackMainMs).toBeLessThanOrEqual(after.stackMs + 10);
  });

  onLinux('reads DynamoDB Local’s SQLite thread, a part of its JVM’s CPU time', async () => {
    // A table makes sure the JVM's SQLite queue has started.
    const client = testDynamoClient();
    try {
      await createTestTable(client, 'cpu');
    } finally {
      client.destroy();
    }
    const sample = cpuSample(Number(process.env.VB_TEST_DYNAMODB_PID));
    expect(sample.dynamoSqliteMs).toBeGreaterThan(0);
    expect(sample.dynamoSqliteMs).toBeLessThanOrEqual(sample.dynamoLocalMs ?? 0);
  });

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
