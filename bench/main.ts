import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_POLICY_FILE, localSettings } from '../infra/local/settings.js';
import { startLocalStack } from '../infra/local/stack.js';
import { loadPolicy } from '../shared/config/load-policy.js';
import { deliverySection } from './delivery-section.js';
import { measureWriteCosts } from './dynamodb-writes.js';
import { measureStartup } from './function-startup.js';
import { ingestSection } from './ingest-section.js';
import { measureKms } from './kms.js';
import { deliveryReport, ingestReport, kmsReport, startupReport, writeCostReport } from './report.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `npm run bench`: measures every target of docs/benchmark.md against floors measured
 * in the same run on the same machine, prints a table per section with targets
 * and pass/fail marks, and writes bench-results/bench.json. Counts scale with
 * BENCH_SCALE (default 1); progress goes to stderr.
 */
const scale = Number(process.env.BENCH_SCALE ?? '1');
const log = (s: string) => process.stderr.write(`${s}\n`);
const policy = loadPolicy(DEFAULT_POLICY_FILE);
const dataDir = await mkdtemp(join(tmpdir(), 'vb-bench-'));
const started = performance.now();
// Other work on the machine skews every figure: recorded so a noisy run can be told apart.
const loadAtStart = loadavg();
const settings = localSettings({
  ...process.env,
  PORT: '0',
  VISITBRIDGE_DATA_DIR: dataDir,
  LOG_LEVEL: 'ERROR',
});
// VISITBRIDGE_DYNAMODB_ENDPOINT: a DynamoDB Local already running (on a loaded machine one may not start in
// time); each stack then gets its own tables on it.
const dynamoEndpoint = settings.VISITBRIDGE_DYNAMODB_ENDPOINT;
const startStack = (deliveryWorkers: boolean) =>
  startLocalStack({
    settings,
    inMemory: true,
    deliveryWorkers,
    dynamoEndpoint,
    tableSuffix: dynamoEndpoint ? `-bench-${randomUUID().slice(0, 8)}` : undefined,
    onProgress: (step) => log(`  … ${step}`),
  });

let ingest: Awaited<ReturnType<typeof ingestSection>>;
let delivery: Awaited<ReturnType<typeof deliverySection>>;
let kms: Awaited<ReturnType<typeof measureKms>>;
let writes: Awaited<ReturnType<typeof measureWriteCosts>>;
try {
  // Ingest alone, as in AWS where the worker is another Lambda: no delivery competes for the 2 cores.
  const ingestStack = await startStack(false);
  try {
    ingest = await ingestSection(ingestStack, scale, log);
    // Printed at once: a later section that fails (say, a machine too loaded to start DynamoDB Local) keeps it.
    console.log(ingestReport(ingest));
  } finally {
    await ingestStack.stop();
  }
  log('DynamoDB Local: transactions on the cell table’s shape, and without its indexes and stream');
  writes = await measureWriteCosts(dynamoEndpoint, Math.max(200, Math.round(600 * scale)));
  console.log(writeCostReport(writes));
  const deliveryStack = await startStack(true);
  try {
    delivery = await deliverySection(deliveryStack, policy, Math.round(300 * scale), 16, log);
    log('KMS: encrypting and decrypting sample notes against a counting KMS mock');
    // Never fewer than 1,000 notes: the figure is per 1,000 and a data key serves up to 1,000 messages.
    kms = await measureKms(Math.max(1000, Math.round(1000 * scale)), deliveryStack.dynamoClient);
  } finally {
    await deliveryStack.stop();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
const startup = await measureStartup(5, log);
const seconds = (performance.now() - started) / 1000;

// Delivery is held against ingest at many senders: the rate a busy cell receives notes at.
const ingestAtMany = ingest.runs.at(-1)?.ingest.perSecond ?? 0;
for (const report of [deliveryReport(delivery, ingestAtMany), kmsReport(kms), startupReport(startup)]) {
  console.log(report);
}
const out = resolve('bench-results');
await mkdir(out, { recursive: true });
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  platform: process.platform,
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: loadavg(),
};
await writeFile(
  join(out, 'bench.json'),
  `${JSON.stringify({ at: new Date().toISOString(), scale, seconds, machine, ingest, delivery, writes, kms, startup }, null, 2)}\n`,
);
console.log(
  `load average (1 min) at start ${loadAtStart[0]?.toFixed(2)}, at end ${machine.loadAverageAtEnd[0]?.toFixed(2)} on ${machine.cpus} cores`,
);
console.log(`wrote ${join(out, 'bench.json')} (${seconds.toFixed(0)} s)`);
