import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time spent so far: this process (the whole local stack) and, where readable, DynamoDB Local's JVM. */
export interface CpuSample {
  /** Wall clock (`Date.now()`), comparable with the outbox's `deliveredAt`. */
  at: number;
  stackMs: number;
  /** This process's main thread alone (its JavaScript): the rest of `stackMs` is V8's helper threads (GC) and libuv's pool. */
  stackMainMs?: number;
  dynamoLocalMs?: number;
  /** DynamoDB Local's one SQLite thread, which runs every statement of every table in turn. */
  dynamoSqliteMs?: number;
}

/** CPU per note over a run, and how busy the stack's process was (CPU seconds per wall second). */
export interface CpuFigures {
  stackMsPerNote: number;
  /** Absent where the JVM's CPU time cannot be read (no /proc, or DynamoDB Local started elsewhere). */
  dynamoLocalMsPerNote?: number;
  /** The stack's CPU time over the run's wall time: 1 is one core kept busy throughout. */
  stackCores: number;
  /** The same for the stack's main thread alone, DynamoDB Local's JVM and its SQLite thread (where readable). */
  stackMainCores?: number;
  dynamoLocalCores?: number;
  dynamoSqliteCores?: number;
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

/** User + system CPU milliseconds from a /proc `stat` file (a process's or one thread's), or undefined where unreadable. */
function statCpuMs(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

/** The name DynamoDB Local's sqlite4java queue gives its one thread. */
const SQLITE_THREAD = 'SQLiteQueue';
const sqliteThreads = new Map<number, string | undefined>();

/** The /proc stat file of DynamoDB Local's SQLite thread (looked up once per JVM), or undefined where unreadable. */
function sqliteThreadStat(pid: number): string | undefined {
  if (!sqliteThreads.has(pid)) {
    let found: string | undefined;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const path = `/proc/${pid}/task/${tid}`;
        if (readFileSync(`${path}/comm`, 'utf8').startsWith(SQLITE_THREAD)) found = `${path}/stat`;
      }
    } catch {
      found = undefined;
    }
    // It starts with the first table, which the stack creates before anything is measured.
    sqliteThreads.set(pid, found);
  }
  return sqliteThreads.get(pid);
}

/** Samples the CPU time of this process and of DynamoDB Local's JVM (`dynamoLocalPid`, when this process started it). */
export function cpuSample(dynamoLocalPid?: number): CpuSample {
  const { user, system } = process.cpuUsage();
  const stackMainMs = statCpuMs(`/proc/self/task/${process.pid}/stat`);
  const dynamoLocalMs = dynamoLocalPid === undefined ? undefined : statCpuMs(`/proc/${dynamoLocalPid}/stat`);
  const sqliteStat = dynamoLocalPid === undefined ? undefined : sqliteThreadStat(dynamoLocalPid);
  const dynamoSqliteMs = sqliteStat === undefined ? undefined : statCpuMs(sqliteStat);
  return {
    at: Date.now(),
    stackMs: (user + system) / 1000,
    ...(stackMainMs === undefined ? {} : { stackMainMs }),
    ...(dynamoLocalMs === undefined ? {} : { dynamoLocalMs }),
    ...(dynamoSqliteMs === undefined ? {} : { dynamoSqliteMs }),
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
  const cores = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || wallMs <= 0 ? undefined : (b - a) / wallMs;
  const stackMainCores = cores(from.stackMainMs, to.stackMainMs);
  const dynamoLocalCores = cores(from.dynamoLocalMs, to.dynamoLocalMs);
  const dynamoSqliteCores = cores(from.dynamoSqliteMs, to.dynamoSqliteMs);
  return {
    stackMsPerNote: per(to.stackMs - from.stackMs),
    ...(dynamo === undefined ? {} : { dynamoLocalMsPerNote: dynamo }),
    stackCores: cores(from.stackMs, to.stackMs) ?? 0,
    ...(stackMainCores === undefined ? {} : { stackMainCores }),
    ...(dynamoLocalCores === undefined ? {} : { dynamoLocalCores }),
    ...(dynamoSqliteCores === undefined ? {} : { dynamoSqliteCores }),
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
