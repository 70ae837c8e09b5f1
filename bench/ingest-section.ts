import type { LocalStack } from '../infra/local/stack.js';
import { floorRun, ingestRun } from './ingest.js';
import type { RunFigures } from './stats.js';

export const INGEST_THROUGHPUT_MIN_RATIO = 0.8;
export const INGEST_P99_MAX_RATIO = 1.5;

export interface IngestComparison {
  ingest: RunFigures;
  floor: RunFigures;
  throughputRatio: number;
  p99Ratio: number;
}

/**
 * Ingest at 1 and 16 concurrent senders, each followed by its storage floor.
 * Every run starts once the delivery workers have drained what came before, so
 * no run pays for an earlier one's deliveries.
 */
export async function ingestSection(
  stack: LocalStack,
  scale: number,
  log: (line: string) => void,
): Promise<IngestComparison[]> {
  const ukTable = stack.cells.find((c) => c.id === 'uk')?.tableName ?? '';
  log('warming up');
  await ingestRun(stack, 4, 50, 'warm');
  const results: IngestComparison[] = [];
  for (const [concurrency, count] of [
    [1, Math.round(200 * scale)],
    [16, Math.round(800 * scale)],
  ] as const) {
    await stack.idle();
    log(`ingest: ${count} notes, ${concurrency} concurrent sender(s)`);
    const ingest = await ingestRun(stack, concurrency, count, `c${concurrency}`);
    await stack.idle();
    log(`storage floor: the same ${count} transactions, ${concurrency} concurrent writer(s)`);
    const floor = await floorRun(stack.dynamoClient, ukTable, `c${concurrency}`, concurrency);
    results.push({
      ingest,
      floor,
      throughputRatio: ingest.perSecond / floor.perSecond,
      p99Ratio: ingest.p99Ms / floor.p99Ms,
    });
  }
  return results;
}
