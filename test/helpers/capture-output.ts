import { startTestStack, type TestStack } from './local-stack.js';

type Write = typeof process.stdout.write;

/** What a test captured from the process's stdout and stderr. */
interface CapturedOutput {
  /** Everything written to either stream since the capture began, in order. */
  text(): string;
  /** Puts the original writers back (idempotent). */
  restore(): void;
}

/**
 * Tees process.stdout and process.stderr into memory so a test can search what
 * the code under test logged (for PHI, say). The output still reaches the
 * terminal. Call `restore` in `afterAll`.
 *
 * @example
 * const output = captureOutput();
 * // … act …
 * expect(findPhi(output.text(), phi)).toEqual([]);
 * output.restore();
 */
function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const tee =
    (stream: NodeJS.WriteStream, write: Write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (c: unknown, ...r: unknown[]) => boolean).call(stream, chunk, ...rest);
    };
  process.stdout.write = tee(process.stdout, original.out) as Write;
  process.stderr.write = tee(process.stderr, original.err) as Write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    },
  };
}

/**
 * Hooks for a suite that searches what a local stack logs: `beforeAll` starts
 * the stack with DEBUG logging and then captures output (so its start-up is not
 * searched); `afterAll` restores the writers and disposes the stack.
 */
export function stackWithCapturedLogs(): { stack: () => TestStack; logs: () => string } {
  let stack: TestStack | undefined;
  let output: CapturedOutput | undefined;
  beforeAll(async () => {
    stack = await startTestStack({ LOG_LEVEL: 'DEBUG' });
    output = captureOutput();
  });
  afterAll(async () => {
    output?.restore();
    await stack?.dispose();
  });
  return {
    stack: () => {
      if (!stack) throw new Error('the stack starts in beforeAll; use it inside a test');
      return stack;
    },
    logs: () => output?.text() ?? '',
  };
}
