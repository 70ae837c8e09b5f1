import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { localCells } from '../infra/local/cells.js';
import { ensureSendersFile } from '../infra/local/senders.js';
import { DEFAULT_POLICY_FILE, PROJECT_ROOT } from '../infra/local/settings.js';
import type { Env } from '../shared/config/env.js';
import { loadPolicy } from '../shared/config/load-policy.js';
import type { FunctionName } from './bundles.js';
import { percentile } from './stats.js';

const PROBE = join(PROJECT_ROOT, 'bench', 'import-probe.mjs');
/** Nothing listens here: nothing is called at init, and a call by mistake fails fast. */
const UNUSED_URL = 'http://127.0.0.1:9';

/** One probe run in a fresh process: import (+ one microtask), and the full init when asked. */
export interface ProbeRun {
  importMs: number;
  initMs?: number;
}

/**
 * The environment the local runtime gives the UK cell's functions (as in
 * infra/local/cells.ts), with its key, senders and digest files under `dataDir`.
 * Endpoints point at an unused port: init reads files and builds clients only.
 */
export async function cellEnvironment(dataDir: string): Promise<(fn: FunctionName) => Env> {
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const sendersFile = join(dataDir, 'senders.json');
  await ensureSendersFile(sendersFile);
  const cells = localCells({
    jurisdictions: policy.jurisdictions,
    stackUrl: UNUSED_URL,
    issuer: { issuer: `${UNUSED_URL}/dev-issuer`, jwksUrl: `${UNUSED_URL}/dev-issuer/jwks.json` },
    dataDir,
    policyFile: DEFAULT_POLICY_FILE,
    dynamoEndpoint: UNUSED_URL,
    sendersFile,
    logLevel: 'ERROR',
    ehrEndpoints: Object.fromEntries(
      policy.ehrTargets.map((t) => [
        t.id,
        { baseUrl: `${UNUSED_URL}/fhir/R4`, tokenUrl: `${UNUSED_URL}/token` },
      ]),
    ),
    ehrTimeoutMs: 5_000,
    digestIntervalMinutes: 5,
  });
  const uk = cells.find((c) => c.id === 'uk');
  if (!uk) throw new Error('the default policy has no uk cell');
  return (fn) => uk.env(fn);
}

/**
 * Imports `file` in a fresh `node` process with `env` and returns the probe's
 * timings; with `buildExport`, also awaits that export called with the env.
 *
 * @throws when the process fails (e.g. an init that rejects) or prints no figures.
 */
export function probe(file: string, env: Env, buildExport?: string): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const args = [PROBE, file, ...(buildExport ? [buildExport] : [])];
    const child = spawn(process.execPath, args, {
      // Lambda runs Node 22, which the SDK does not warn about; keep Node 20's warning out of the timing.
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`import probe of ${file} exited ${code}: ${err.slice(0, 500)}`));
      else resolve(JSON.parse(out) as ProbeRun);
    });
  });
}

/** Median of a list of timings. */
export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
