import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { main } from '../../infra/cli/main.js';
import { PROJECT_ROOT } from '../../infra/local/settings.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { himClient, park, postNote } from './him/helpers.js';

/** The pages whose commands are run: the README and the docs that show commands to type. */
const PAGES = [
  'README.md',
  'docs/cli.md',
  'docs/residency-policy.md',
  'docs/local-stack.md',
  'docs/testing.md',
];

/**
 * Every command line a page shows, in shell code blocks and inline code:
 * `visitbridge …`, `npx visitbridge …` and `npm …`; continued lines joined,
 * trailing comments and `&&` chains split off, placeholders (`…`) left out.
 */
function pageCommands(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = fence === undefined ? line.slice(3).trim() : undefined;
    else if (fence !== undefined) {
      if (['bash', 'sh', 'shell'].includes(fence)) lines.push(line);
    } else for (const m of line.matchAll(/`([^`]+)`/g)) lines.push(m[1] ?? '');
  }
  const joined = lines
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  return joined
    .flatMap((l) => l.replace(/\s+#.*$/, '').split('&&'))
    .map((c) => c.trim())
    .filter((c) => /^(npx visitbridge|visitbridge|npm) /.test(c) || c === 'npm start' || c === 'npm test')
    .filter((c) => !c.includes('…'));
}

/** Commands the test does not run, with why; each must still be on one of the pages (or the entry is stale). */
const NOT_RUN: ReadonlyArray<[RegExp, string]> = [
  [/^npm (install|ci)$/, 'installs dependencies; CI runs it on a clean clone'],
  [/^npm start( |$)/, 'long-running; this test starts the same local stack in process'],
  [/^npm test$/, 'the whole suite, of which this test is part'],
  [/^npm run (bench|test:e2e|demo)$/, 'long-running, and needs `npm start` on the default port'],
  [/^npm run (lint|lint:api|format|typecheck|synth|schema)$/, 'build and check scripts CI runs itself'],
  [/--url https:\/\/uk\.example\.com\//, 'needs a deployed cell and its token'],
];

const commands = [
  ...new Set(PAGES.flatMap((page) => pageCommands(readFileSync(join(PROJECT_ROOT, page), 'utf8')))),
];
const toRun = commands.filter((c) => !NOT_RUN.some(([re]) => re.test(c)));
const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;

/** Splits a command line as a POSIX shell would for these examples (quotes, no expansion). */
const argvOf = (line: string): string[] =>
  [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

let stack: TestStack;
let env: Record<string, string>;
const workDir = mkdtempSync(join(tmpdir(), 'vb-doc-commands-'));

beforeAll(async () => {
  stack = await startTestStack();
  env = { PORT: new URL(stack.url).port, HOST: '127.0.0.1' };
  await postNote(stack, 'uk', 'note-8f2c');
  await park(stack, 'uk', 'note-8f2c', new Date().toISOString());
});
afterAll(() => stack.dispose());

describe('commands the README and docs show', () => {
  it('finds the CLI examples, and every command it does not run is still on a page', () => {
    expect(toRun.length).toBeGreaterThan(8);
    for (const [re] of NOT_RUN) expect(commands.some((c) => re.test(c))).toBe(true);
  });

  it.each(commands.filter((c) => /^npm (run|start|test)( |$)/.test(c)))(
    '%s names a script package.json has',
    (line) => {
      const [, verb, script] = argvOf(line);
      expect(Object.keys(scripts)).toContain(verb === 'run' ? script : verb);
    },
  );

  it.each(toRun)('%s exits 0 against the local stack', async (line) => {
    const argv = argvOf(line).slice(line.startsWith('npx ') ? 2 : 1);
    // Files the examples name go to a scratch folder, not the checkout.
    for (let i = 0; i < argv.length - 1; i += 1) {
      const value = argv[i + 1] ?? '';
      if (['--out', '--dir', '--public-key'].includes(argv[i] ?? '') && value !== '-' && !isAbsolute(value))
        argv[i + 1] = join(workDir, value);
    }
    const keyAt = argv.indexOf('--public-key');
    if (keyAt >= 0) {
      const res = await himClient(stack)('uk', 'GET', 'integrity/public-key', { roles: ['him-reviewer'] });
      if (!res.ok) throw new Error(`the cell gave no public key: ${res.status}`);
      writeFileSync(argv[keyAt + 1] ?? '', ((await res.json()) as { publicKeyPem: string }).publicKeyPem);
    }
    const out = { stdout: '', stderr: '' };
    const code = await main(
      argv,
      {
        stdout: { write: (s: string) => (out.stdout += s) },
        stderr: { write: (s: string) => (out.stderr += s) },
      },
      env,
    );
    expect({ code, stderr: out.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  });
});
