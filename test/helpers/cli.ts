import { main } from '../../infra/cli/main.js';

/** What one CLI run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `visitbridge` CLI in process, against the local stack `env` names (PORT, HOST), its
 * output captured: `cli('ledger', 'list', '--cell', 'uk')`.
 */
export const cliAgainst =
  (env: () => Record<string, string>) =>
  async (...argv: string[]): Promise<CliRun> => {
    const out = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    };
    const code = await main(argv, io, env());
    return { code, ...out };
  };
