import type { DeliveryComparison } from './delivery-section.js';
import { BUNDLE_LIMIT_BYTES, IMPORT_LIMIT_MS, type StartupFigures } from './function-startup.js';
import {
  INGEST_P99_MAX_RATIO,
  INGEST_THROUGHPUT_MIN_RATIO,
  type IngestComparison,
} from './ingest-section.js';
import { KMS_LIMIT_PER_1000, type KmsFigures } from './kms.js';
import { mark, table } from './stats.js';

const section = (title: string, body: string, note: string) => `\n${title}\n\n${body}\n\n${note}\n`;

/** Ingest through the local HTTP stack beside raw TransactWriteItems of the same items. */
export function ingestReport(rows: IngestComparison[]): string {
  return section(
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
      rows.map((r) => [
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
    'Targets (DESIGN §9): throughput ≥ 0.80 × the floor, p99 ack latency ≤ 1.5 × the floor’s. Ingest is measured on a\n' +
      'stack without delivery workers (in AWS the worker is another Lambda), so only the ingest path and the storage\n' +
      'floor share the machine, one after the other.',
  );
}

/** Delivery end to end beside the sandbox EHR's own rate for the same FHIR requests. */
export function deliveryReport(rows: DeliveryComparison[]): string {
  return section(
    'Delivery end to end (webhook POST → deliveredAt) vs. the same FHIR requests sent straight to the sandbox EHR',
    table(
      [
        'cell → EHR',
        'profile',
        'notes',
        'delivered',
        'steady/s',
        'overall/s',
        'p50 ms',
        'p99 ms',
        'FHIR/note',
        'attempt p50',
        'DynamoDB/note',
        'floor/s',
        'floor p50',
        'floor FHIR/note',
        'ratio',
      ],
      rows.map(({ delivery: d, floor: f, throughputRatio }) => [
        d.name,
        d.profile,
        d.count,
        d.delivered,
        d.steadyPerSecond,
        d.overallPerSecond,
        d.p50Ms,
        d.p99Ms,
        d.fhirPerNote,
        d.attemptP50Ms,
        `${d.dynamoPerNote.noteReads.toFixed(2)} read + ${d.dynamoPerNote.commits.toFixed(2)} tx + ${d.dynamoPerNote.other.toFixed(2)}`,
        f.perSecond,
        f.p50Ms,
        f.fhirPerNote,
        throughputRatio,
      ]),
    ),
    'No target in DESIGN §9; reported for the record. Notes are posted by 16 senders faster than one worker per\n' +
      'cell delivers them, so latency includes the queue. steady/s: deliveries between the 10th and 90th percentile\n' +
      'of deliveredAt; attempt p50: the worker’s own timing of the delivering attempt (its FHIR requests);\n' +
      'DynamoDB/note: the worker’s note reads + commit transactions + other outbox requests per delivered note;\n' +
      'ratio = steady/s ÷ floor/s (floor: the same FHIR requests per note, as many patients at a time as the worker works on).',
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
