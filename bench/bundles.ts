import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '../infra/bundling.js';
import { PROJECT_ROOT } from '../infra/local/settings.js';

/** The functions CDK deploys per cell, with their composition roots. */
export const FUNCTIONS = [
  { name: 'ingest', build: 'buildIngestHandler' },
  { name: 'deliver', build: 'buildDeliverHandler' },
  { name: 'him-api', build: 'buildHimHandler' },
  { name: 'digest', build: 'buildDigestHandler' },
  { name: 'documents', build: 'buildDocumentsHandler' },
] as const;
export type FunctionName = (typeof FUNCTIONS)[number]['name'];

/** The esbuild options `NodejsFunction` passes for a `CellFunction` (see cell-function.ts). */
const CDK_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  alias: { ...BUNDLE_ALIASES },
  absWorkingDir: PROJECT_ROOT,
  logLevel: 'error',
};

export interface FunctionBundle {
  name: FunctionName;
  /** The deployed artefact: functions/<name>/handler.ts bundled as CDK does. */
  handlerFile: string;
  handlerBytes: number;
  /** The same options on an entry that re-exports the composition root as `build`, to time the full init. */
  initFile: string;
  initBytes: number;
}

/**
 * Bundles each function twice into `dir`: its handler exactly as CDK does (what
 * is measured against the size target), and an entry exporting its
 * `build…Handler` so a probe can await the cold init the handler keeps private.
 *
 * @throws the esbuild error when a function does not bundle.
 */
export async function bundleFunctions(dir: string): Promise<FunctionBundle[]> {
  const bundles: FunctionBundle[] = [];
  for (const fn of FUNCTIONS) {
    const handlerFile = join(dir, fn.name, 'index.mjs');
    await build({
      ...CDK_OPTIONS,
      entryPoints: [join(PROJECT_ROOT, 'functions', fn.name, 'handler.ts')],
      outfile: handlerFile,
    });
    const initFile = join(dir, `${fn.name}-init`, 'index.mjs');
    await build({
      ...CDK_OPTIONS,
      stdin: {
        contents: `export { ${fn.build} as build } from './functions/${fn.name}/deps.js';`,
        resolveDir: PROJECT_ROOT,
        sourcefile: `${fn.name}-init.ts`,
        loader: 'ts',
      },
      outfile: initFile,
    });
    bundles.push({
      name: fn.name,
      handlerFile,
      handlerBytes: (await stat(handlerFile)).size,
      initFile,
      initBytes: (await stat(initFile)).size,
    });
  }
  return bundles;
}
