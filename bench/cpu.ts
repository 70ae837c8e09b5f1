import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time spent so far: this process (the whole local stack) and, where readable, DynamoDB Local's JVM. */
export interface CpuSample {
  /** Wall clock (`Date.now()`), comparable with the outbox's `deliveredAt`. */
  at: number;
  stackMs: number;
  dynamoLocalMs?: number;
}

/** CPU per note over a run, and how busy the stack's process was (CPU seconds per wall second). */
export interface CpuFigures {
  stackMsPerNote: number;
  /** Absent where the JVM's CPU time cannot be read (no /proc, or DynamoDB Local started elsewhere). */
  dynamoLocalMsPerNote?: number;
  /** The stack's CPU time over the run's wall time: 1 is one core kept busy throughout. */
  stackCores: number;
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux when it cannot be asked). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU milliseconds of another process from /proc/<pid>/stat, or undefined where unreadable. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the CPU time of this process and of DynamoDB Local's JVM (`dynamoLocalPid`, when this process started it). */
export function cpuSample(dynamoLocalPid?: number): CpuSample {
  const { user, system } = process.cpuUsage();
  const dynamoLocalMs = dynamoLocalPid === undefined ? undefined : processCpuMs(dynamoLocalPid);
  return {
    at: Date.now(),
    stackMs: (user + system) / 1000,
    ...(dynamoLocalMs === undefined ? {} : { dynamoLocalMs }),
  };
}

/** CPU per note between two samples. */
export function cpuPerNote(from: CpuSample, to: CpuSample, notes: number): CpuFigures {
  const per = (ms: number) => (notes > 0 ? ms / notes : 0);
  const wallMs = to.at - from.at;
  const dynamo =
    from.dynamoLocalMs === undefined || to.dynamoLocalMs === undefined
      ? undefined
      : per(to.dynamoLocalMs - from.dynamoLocalMs);
  return {
    stackMsPerNote: per(to.stackMs - from.stackMs),
    ...(dynamo === undefined ? {} : { dynamoLocalMsPerNote: dynamo }),
    stackCores: wallMs > 0 ? (to.stackMs - from.stackMs) / wallMs : 0,
  };
}

/** How often a timeline samples: fine enough to cut a run of a few seconds at its steady window. */
const SAMPLE_EVERY_MS = 50;

/**
 * CPU samples taken through a run, so its CPU can be read over a window found only
 * afterwards (the steady middle of the deliveries).
 */
export class CpuTimeline {
  private readonly samples: CpuSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly dynamoLocalPid?: number) {
    this.samples.push(cpuSample(dynamoLocalPid));
    this.timer = setInterval(() => this.samples.push(cpuSample(this.dynamoLocalPid)), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.samples.push(cpuSample(this.dynamoLocalPid));
  }

  /**
   * CPU per note between the last sample at or before `from` and the first at or after
   * `to`, over the notes whose completion time (sorted `doneAt`) falls between those samples.
   */
  window(doneAt: readonly number[], from: number, to: number): CpuFigures {
    const first = this.samples.findLast((s) => s.at <= from) ?? this.samples[0];
    const last = this.samples.find((s) => s.at >= to) ?? this.samples.at(-1);
    if (!first || !last) return { stackMsPerNote: 0, stackCores: 0 };
    const notes = doneAt.filter((at) => at > first.at && at <= last.at).length;
    return cpuPerNote(first, last, notes);
  }
}
