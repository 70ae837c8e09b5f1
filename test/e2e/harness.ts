/** A minimal step runner for standalone e2e scripts: named steps, a closing `N passed, M failed` line. */
export interface Harness {
  step(name: string, run: () => Promise<void>): Promise<boolean>;
  /** Prints the summary; returns the exit code. */
  finish(): number;
}

export function harness(): Harness {
  let passed = 0;
  let failed = 0;
  let broken = false;
  return {
    async step(name, run) {
      if (broken) {
        failed += 1;
        console.log(`  - skipped: ${name}`);
        return false;
      }
      const started = Date.now();
      try {
        await run();
        passed += 1;
        console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
        return true;
      } catch (error) {
        failed += 1;
        broken = true;
        console.log(`  ✗ ${name}\n    ${(error as Error).stack ?? error}`);
        return false;
      }
    },
    finish() {
      console.log(`${passed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    },
  };
}
