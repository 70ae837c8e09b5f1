import type { LocalStack } from '../infra/local/stack.js';
import { createFloorTable, ingestAgainstFloor, ingestRun } from './ingest.js';
import { measureStages, type StageBreakdown } from './ingest-stages.js';
import type { RunFigures } from './stats.js';

export const INGEST_THROUGHPUT_MIN_RATIO = 0.8;
export const INGEST_P99_MAX_RATIO = 1.5;

export interface IngestComparison {
  ingest: RunFigures;
  floor: RunFigures;
  throughputRatio: number;
  p99Ratio: number;
}

export interface IngestSection {
  runs: IngestComparison[];
  /** Where one sender's note spends its time, beside the one-sender run's figures. */
  stages: StageBreakdown;
}

/**
 * Ingest at 1 and 16 concurrent senders, each beside its storage floor
 * (measured in alternating blocks, see `ingestAgainstFloor`), then the
 * per-stage breakdown of one sender's notes.
 */
export async function ingestSection(
  stack: LocalStack,
  scale: number,
  log: (line: string) => void,
): Promise<IngestSection> {
  const ukTable = stack.cells.find((c) => c.id === 'uk')?.tableName ?? '';
  // Before anything is written: a table made later would pay for what was written before it (createBenchTable).
  const floorTables = [
    await createFloorTable(stack.dynamoClient),
    await createFloorTable(stack.dynamoClient),
  ];
  log('warming up');
  await ingestRun(stack, 4, 50, 'warm');
  const runs: IngestComparison[] = [];
  for (const [concurrency, count, blockSize, floorTable] of [
    [1, Math.round(200 * scale), 20, floorTables[0] ?? ''],
    [16, Math.round(800 * scale), 160, floorTables[1] ?? ''],
  ] as const) {
    log(
      `ingest beside the storage floor: ${count} notes each, ${concurrency} concurrent, blocks of ${blockSize}`,
    );
    const { ingest, floor } = await ingestAgainstFloor(stack, ukTable, {
      concurrency,
      count,
      blockSize,
      tag: `c${concurrency}`,
      floorTable,
    });
    runs.push({
      ingest,
      floor,
      throughputRatio: ingest.perSecond / floor.perSecond,
      p99Ratio: ingest.p99Ms / floor.p99Ms,
    });
  }
  log('per-stage breakdown: one sender, in process, with the stage-timer hook');
  const stages = await measureStages(stack, Math.round(200 * scale), 'stages');
  return { runs, stages };
}
