import { type ChildProcess, spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../infra/local/settings.js';

/**
 * The local runtime as its own process (`npm start` without npm), so a test can
 * kill it hard and start it again on the same data folder.
 */
export class ChildStack {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(private readonly env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }

  async start(timeoutMs = 60_000): Promise<Record<string, unknown>> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...this.env, NODE_OPTIONS: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`local runtime exited: ${this.output}`);
      const health = await fetch(`${this.url}/healthz`).catch(() => undefined);
      if (health?.ok) return (await health.json()) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`local runtime did not become healthy: ${this.output}`);
  }

  /** SIGKILL to the whole process group (the runtime and its DynamoDB Local): a crash, not a clean stop. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 300));
  }

  /** SIGTERM and wait: the clean stop of Ctrl-C. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  logs(): string {
    return this.output;
  }
}
