import { availableParallelism } from 'node:os';
import { DELIVERY_MIN_RATIO, type DeliveryComparison } from './delivery-section.js';
import type { WriteCostFigures } from './dynamodb-writes.js';
import { BUNDLE_LIMIT_BYTES, IMPORT_LIMIT_MS, type StartupFigures } from './function-startup.js';
import { INGEST_P99_MAX_RATIO, INGEST_THROUGHPUT_MIN_RATIO, type IngestSection } from './ingest-section.js';
import type { StageBreakdown } from './ingest-stages.js';
import { KMS_LIMIT_PER_1000, type KmsFigures } from './kms.js';
import { mark, table } from './stats.js';

const section = (title: string, body: string, note: string) => `\n${title}\n\n${body}\n\n${note}\n`;

/** Ingest through the local HTTP stack beside raw TransactWriteItems of the same items, and its stages. */
export function ingestReport({ runs, stages }: IngestSection): string {
  return `${section(
    'Ingest through the local HTTP stack vs. raw TransactWriteItems of the same items (DynamoDB Local)',
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
        '≥ 0.80',
        'p99 ratio',
        '≤ 1.5',
      ],
      runs.map((r) => [
        r.ingest.name,
        r.ingest.count,
        r.ingest.perSecond,
        r.ingest.p50Ms,
        r.ingest.p99Ms,
        r.ingest.errors,
        r.floor.perSecond,
        r.floor.p99Ms,
        r.throughputRatio,
        mark(r.throughputRatio >= INGEST_THROUGHPUT_MIN_RATIO),
        r.p99Ratio,
        mark(r.p99Ratio <= INGEST_P99_MAX_RATIO),
      ]),
    ),
    'Targets (docs/benchmark.md): throughput ≥ 0.80 × the floor, p99 ack latency ≤ 1.5 × the floor’s. Ingest is measured on a\n' +
      'stack without delivery workers (in AWS the worker is another Lambda). Ingest and floor run in alternating blocks\n' +
      '(so both see the same load from the rest of the machine), send prepared requests at the same concurrency through\n' +
      'node:http keep-alive agents, and the floor replays the very items ingest wrote for notes of the same kind.',
  )}${stagesReport(stages)}`;
}

function stagesReport(s: StageBreakdown): string {
  const share = (ms: number) => `${((100 * ms) / s.httpMs).toFixed(0)} %`;
  const rows: Array<Array<string | number>> = s.rows.map((r) => [r.stage, r.ms, share(r.ms)]);
  rows.push(
    ['HTTP hop: client, local gateway, server', s.httpMs - s.handlerMs, share(s.httpMs - s.handlerMs)],
    ['ingest handler, in process (sum of the stages above)', s.handlerMs, share(s.handlerMs)],
    ['one note through HTTP (alternating with the above)', s.httpMs, '100 %'],
  );
  return section(
    `Where one sender’s note spends its time (${s.notes} notes, one at a time; mean ms per note)`,
    table(['stage', 'ms', 'share'], rows),
    'Timed by an optional stage-timer hook that only the benchmark passes to the ingest composition root (production\n' +
      'builds the handler without it): middlewares, use-case ports and logging calls are timed where they run. The\n' +
      'timed handler runs in process on the stack’s cell settings and table, each note alternating with one posted\n' +
      'through the stack’s HTTP gateway; the HTTP hop is the difference of the two means.',
  );
}

/** Delivery end to end beside the sandbox EHR's own rate for the same FHIR requests and the ingest rate. */
export function deliveryReport(rows: DeliveryComparison[], ingestPerSecond: number): string {
  return `${section(
    'Delivery end to end (webhook POST → deliveredAt) vs. the same FHIR requests sent straight to the sandbox EHR',
    table(
      [
        'cell → EHR',
        'notes',
        'delivered',
        'steady/s',
        'p50 ms',
        'p99 ms',
        'FHIR/note',
        'attempt p50',
        'DynamoDB/note',
        'floor/s',
        '÷ floor',
        '≥ 0.5',
        '÷ ingest',
        '≥ 0.5',
      ],
      rows.map(({ delivery: d, floor: f, throughputRatio }) => {
        const ingestRatio = ingestPerSecond > 0 ? d.steadyPerSecond / ingestPerSecond : 0;
        return [
          `${d.name} (${d.profile})`,
          d.count,
          d.delivered,
          d.steadyPerSecond,
          d.p50Ms,
          d.p99Ms,
          d.fhirPerNote,
          d.attemptP50Ms,
          `${d.dynamoPerNote.noteReads.toFixed(2)} read + ${d.dynamoPerNote.commits.toFixed(2)} tx + ${d.dynamoPerNote.other.toFixed(2)}`,
          f.perSecond,
          throughputRatio,
          mark(throughputRatio >= DELIVERY_MIN_RATIO),
          ingestRatio,
          mark(ingestRatio >= DELIVERY_MIN_RATIO),
        ];
      }),
    ),
    `Targets: steady/s ≥ 0.5 × the EHR floor and ≥ 0.5 × ingest at 16 senders (${ingestPerSecond.toFixed(1)}/s in this run).\n` +
      'Notes are posted by 16 senders while the worker delivers, so latency includes the queue; each cell first delivers\n' +
      'unmeasured warm-up notes. steady/s: deliveries between the 10th and 90th percentile of deliveredAt; attempt p50:\n' +
      'the worker’s own timing of the delivering attempt (its FHIR requests); DynamoDB/note: the worker’s note reads +\n' +
      'commit transactions + other outbox requests per delivered note; floor: the same FHIR requests per note, as many\n' +
      'patients at a time as the worker works on, with nothing else running.',
  )}${deliveryCpuReport(rows)}`;
}

/** Where delivery's CPU goes: the stack's process and its main thread, DynamoDB Local's JVM and its SQLite thread, beside the floor's. */
function deliveryCpuReport(rows: DeliveryComparison[], cores = availableParallelism()): string {
  const shown = (value: number | undefined) => (value === undefined ? 'n/a' : value);
  return section(
    'CPU per note: the delivery run (whole local stack) vs. the EHR floor',
    table(
      [
        'cell → EHR',
        'stack ms',
        'stack cores',
        'main thread',
        'DynamoDB Local ms',
        'JVM cores',
        'SQLite thread',
        'floor ms',
        'floor cores',
        'stack ÷ floor',
        'CPU limit/s',
      ],
      rows.map(({ delivery: { name, steadyCpu: cpu }, floorCpu: floor }) => [
        name,
        cpu.stackMsPerNote,
        cpu.stackCores,
        shown(cpu.stackMainCores),
        shown(cpu.dynamoLocalMsPerNote),
        shown(cpu.dynamoLocalCores),
        shown(cpu.dynamoSqliteCores),
        floor.stackMsPerNote,
        floor.stackCores,
        floor.stackMsPerNote > 0 ? cpu.stackMsPerNote / floor.stackMsPerNote : 0,
        cpuLimit(cores, cpu.stackMsPerNote + (cpu.dynamoLocalMsPerNote ?? 0)),
      ]),
    ),
    'CPU time per note delivered in the steady window (the one steady/s is measured over, sampled every 50 ms), and\n' +
      'per sequence over the floor run; cores: CPU seconds per wall second. The local stack (ingest, the delivery worker\n' +
      'and the sandbox EHR) runs its JavaScript on one main thread; the rest of its CPU is V8’s helper threads (garbage\n' +
      'collection). Where notes are still being posted in the window, the figures include ingesting them. DynamoDB Local\n' +
      'runs in its own JVM, and every SQL statement of every table on its one SQLite thread (read from /proc; n/a where\n' +
      'that cannot be read). A main thread and a SQLite thread both well under 1 core mean neither is what holds delivery\n' +
      'back: requests wait for DynamoDB Local’s per-table write lock (docs/benchmark.md#what-holds-delivery-back-here).\n' +
      `The floor touches no DynamoDB. CPU limit/s: the machine’s ${cores} cores over the stack’s and DynamoDB Local’s CPU\n` +
      'per note, the rate at which both would keep every core busy; a target above it cannot be met on this machine\n' +
      'without spending less CPU per note.',
  );
}

/** Notes per second at which `msPerNote` of CPU keeps `cores` cores busy. */
export const cpuLimit = (cores: number, msPerNote: number): number =>
  msPerNote > 0 ? (cores * 1000) / msPerNote : 0;

/** What a write costs DynamoDB Local on the cell table's shape, and without its indexes and stream. */
export function writeCostReport(rows: WriteCostFigures[]): string {
  const cell = rows[0];
  return section(
    'What a write costs DynamoDB Local: TransactWriteItems of three ingest-like puts, 16 at a time',
    table(
      ['table', 'transactions', 'tx/s', 'JVM ms/tx', 'errors', '÷ cell table'],
      rows.map((r) => [
        r.table,
        r.transactions,
        r.perSecond,
        r.jvmMsPerTransaction ?? 'n/a',
        r.errors,
        cell ? r.perSecond / cell.perSecond : 0,
      ]),
    ),
    'Fresh tables of the cell table’s shape, and of the same shape without its two global indexes and without its\n' +
      'stream too, taking turns in blocks of 100. DynamoDB Local takes a table’s write lock for each transaction and\n' +
      'keeps it while it writes the items, their index entries and stream records, so this rate bounds all writes\n' +
      'to one cell table: ingest’s and the delivery worker’s together.',
  );
}

/** KMS requests per 1,000 notes with the caching materials manager. */
export function kmsReport(k: KmsFigures): string {
  return section(
    `KMS requests per 1,000 notes (${k.notes} notes, ${k.tenants} tenants in ${k.cells} cells, KMS mocked and counted)`,
    table(
      ['phase', 'KMS calls', 'per 1,000 notes', 'target', 'result', 'seconds'],
      [
        [
          'encrypt (GenerateDataKey)',
          k.generateDataKeyCalls,
          k.encryptPer1000,
          '≤ 5',
          mark(k.encryptPer1000 <= KMS_LIMIT_PER_1000),
          k.encryptSeconds,
        ],
        [
          'decrypt, cold (Decrypt)',
          k.decryptCalls,
          k.decryptPer1000,
          '≤ 5',
          mark(k.decryptPer1000 <= KMS_LIMIT_PER_1000),
          k.decryptSeconds,
        ],
      ],
    ),
    'One data key per (cell, tenant) is cached for 5 min or 1,000 messages; a cold worker asks KMS once per data key it meets.',
  );
}

/** Function bundle sizes and start-up import times beside an empty module's import. */
export function startupReport(s: StartupFigures): string {
  const kb = (bytes: number) => bytes / 1024;
  return section(
    `Function bundles (esbuild as CDK: ESM, minified, node22, @aws-sdk/* external); median of ${s.runs} fresh node processes`,
    table(
      ['function', 'KB', '< 600 KB', 'import ms', '< 250 ms', 'full init ms', '< 250 ms', 'import ÷ empty'],
      s.functions.map((f) => [
        f.name,
        kb(f.bytes),
        mark(f.bytes < BUNDLE_LIMIT_BYTES),
        f.importMs,
        mark(f.importMs < IMPORT_LIMIT_MS),
        f.initMs,
        mark(f.initMs < IMPORT_LIMIT_MS),
        f.importMs / s.emptyImportMs,
      ]),
    ),
    `Floor: importing an empty ESM module the same way takes ${s.emptyImportMs.toFixed(2)} ms. import ms: await import() of the\n` +
      'handler bundle + one microtask (module evaluation starts its init). full init ms: the same options on an entry\n' +
      're-exporting build…Handler, imported and awaited with the cell environment (keys read, clients built).',
  );
}
