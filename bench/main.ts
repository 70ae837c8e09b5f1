import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localSettings } from '../infra/local/settings.js';
import { startLocalStack } from '../infra/local/stack.js';
import { floorRun, ingestRun } from './ingest.js';
import { fmt, type RunFigures, table } from './stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `npm run bench`: measures the local stack against floors measured in the same
 * run on the same machine, prints a table with ratios and writes
 * bench-results/bench.json. Sizes scale with BENCH_SCALE (default 1).
 */
const scale = Number(process.env.BENCH_SCALE ?? '1');
const log = (s: string) => process.stderr.write(`${s}\n`);
const dataDir = await mkdtemp(join(tmpdir(), 'vb-bench-'));
const stack = await startLocalStack({
  settings: localSettings({ ...process.env, PORT: '0', VISITBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'ERROR' }),
  inMemory: true,
  onProgress: (step) => log(`  … ${step}`),
});

const results: {
  ingest: Array<{ ingest: RunFigures; floor: RunFigures; throughputRatio: number; p99Ratio: number }>;
} = {
  ingest: [],
};
try {
  const ukTable = stack.cells.find((c) => c.id === 'uk')?.tableName ?? '';
  log('warming up');
  await ingestRun(stack, 4, 50, 'warm');
  for (const [concurrency, count] of [
    [1, Math.round(200 * scale)],
    [16, Math.round(800 * scale)],
  ] as const) {
    log(`ingest: ${count} notes, ${concurrency} concurrent sender(s)`);
    const ingest = await ingestRun(stack, concurrency, count, `c${concurrency}`);
    log(`storage floor: the same ${count} transactions, ${concurrency} concurrent writer(s)`);
    const floor = await floorRun(stack.dynamoClient, ukTable, `c${concurrency}`, concurrency);
    results.ingest.push({
      ingest,
      floor,
      throughputRatio: ingest.perSecond / floor.perSecond,
      p99Ratio: ingest.p99Ms / floor.p99Ms,
    });
  }
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}

console.log(
  '\nIngest through the local HTTP stack vs. raw TransactWriteItems of the same items (DynamoDB Local)\n',
);
console.log(
  table(
    [
      'run',
      'notes',
      'notes/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'floor/s',
      'floor p99',
      'tput ratio',
      'p99 ratio',
    ],
    results.ingest.map((r) => [
      r.ingest.name,
      r.ingest.count,
      r.ingest.perSecond,
      r.ingest.p50Ms,
      r.ingest.p99Ms,
      r.ingest.errors,
      r.floor.perSecond,
      r.floor.p99Ms,
      r.throughputRatio,
      r.p99Ratio,
    ]),
  ),
);
console.log(
  `\nTargets: throughput ratio ≥ 0.80 (now ${results.ingest.map((r) => fmt(r.throughputRatio)).join(', ')}), ` +
    `p99 ratio ≤ 1.5 (now ${results.ingest.map((r) => fmt(r.p99Ratio)).join(', ')})`,
);
const out = resolve('bench-results');
await mkdir(out, { recursive: true });
await writeFile(
  join(out, 'bench.json'),
  `${JSON.stringify({ at: new Date().toISOString(), scale, ...results }, null, 2)}\n`,
);
console.log(`\nwrote ${join(out, 'bench.json')}`);
