import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/local/settings.js';
import { bundleFunctions, FUNCTIONS, type FunctionName } from './bundles.js';
import { cellEnvironment, median, probe } from './startup.js';

export const BUNDLE_LIMIT_BYTES = 600 * 1024;
export const IMPORT_LIMIT_MS = 250;

export interface FunctionFigures {
  name: FunctionName;
  bytes: number;
  /** Median `await import()` of the handler bundle plus one microtask, fresh process each run. */
  importMs: number;
  /** Median import of the init bundle plus its awaited `build…Handler(process.env)`: the full cold init. */
  initMs: number;
  importRuns: number[];
  initRuns: number[];
}

export interface StartupFigures {
  runs: number;
  functions: FunctionFigures[];
  /** Median import of an empty ESM module the same way: what any module costs. */
  emptyImportMs: number;
}

/**
 * Bundles every function as CDK does into a temp folder (with a `node_modules`
 * link so the external `@aws-sdk/*` resolve as they do from the Lambda runtime)
 * and times importing each in fresh `node` processes with a valid local cell
 * environment, beside the floor of importing an empty module.
 */
export async function measureStartup(runs: number, log: (line: string) => void): Promise<StartupFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'vb-bundles-'));
  try {
    await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    log(`bundling functions/{${FUNCTIONS.map((f) => f.name).join(',')}}/handler.ts as CDK does`);
    const bundles = await bundleFunctions(dir);
    const env = await cellEnvironment(join(dir, 'data'));
    const empty = join(dir, 'empty', 'index.mjs');
    await mkdir(join(dir, 'empty'));
    await writeFile(empty, 'export {};\n');

    // One unmeasured init per function creates the key files, as a first deployment's secrets would exist.
    for (const b of bundles) await probe(b.initFile, env(b.name), 'build');
    await probe(empty, env('ingest'));

    const functions = [];
    for (const b of bundles) {
      log(`start-up: ${b.name}, ${runs} fresh processes each for import and full init`);
      const importRuns: number[] = [];
      const initRuns: number[] = [];
      for (let i = 0; i < runs; i++) {
        importRuns.push((await probe(b.handlerFile, env(b.name))).importMs);
        initRuns.push((await probe(b.initFile, env(b.name), 'build')).initMs ?? Number.NaN);
      }
      functions.push({
        name: b.name,
        bytes: b.handlerBytes,
        importMs: median(importRuns),
        initMs: median(initRuns),
        importRuns,
        initRuns,
      });
    }
    const emptyRuns: number[] = [];
    for (let i = 0; i < runs; i++) emptyRuns.push((await probe(empty, env('ingest'))).importMs);
    return { runs, functions, emptyImportMs: median(emptyRuns) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
