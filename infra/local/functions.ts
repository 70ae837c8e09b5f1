import { buildDigestHandler } from '../../functions/digest/deps.js';
import { DIGEST_EVENT } from '../../functions/digest/handler-factory.js';
import { buildHimHandler } from '../../functions/him-api/deps.js';
import { HIM_ROUTES } from '../../functions/him-api/handler-factory.js';
import { buildIngestHandler } from '../../functions/ingest/deps.js';
import { INGEST_ROUTES } from '../../functions/ingest/handler-factory.js';
import type { Env } from '../../shared/config/env.js';
import { type LambdaHttpHandler, localContext } from './api-gateway.js';
import type { LocalCell } from './cells.js';

/** A function of a cell behind the HTTP API: its routes and its composition root. */
export interface LocalHttpFunction {
  name: string;
  routes: readonly string[];
  build(env: Env): Promise<LambdaHttpHandler>;
}

/** Every HTTP function each cell runs, as its HTTP API routes them in AWS (infra/cdk/constructs/cell-api.ts). */
export const HTTP_FUNCTIONS: readonly LocalHttpFunction[] = [
  { name: 'ingest', routes: INGEST_ROUTES, build: buildIngestHandler },
  { name: 'him-api', routes: HIM_ROUTES, build: buildHimHandler },
];

/** A function an EventBridge schedule invokes in AWS; locally a timer does, and once at start-up. */
export interface LocalScheduledFunction {
  name: string;
  /** What the start-up banner says while the first run goes. */
  startMessage: string;
  event: unknown;
  build(env: Env): Promise<(event: never, context: ReturnType<typeof localContext>) => Promise<unknown>>;
}

/** Every scheduled function of a cell, as its EventBridge rules invoke them in AWS (infra/cdk). */
export const SCHEDULED_FUNCTIONS: readonly LocalScheduledFunction[] = [
  {
    name: 'digest',
    startMessage: 'sealing ledger and audit log',
    event: DIGEST_EVENT,
    build: buildDigestHandler,
  },
];

/**
 * Runs a scheduled function of a cell now (its first digest at start-up), then every
 * `everyMs`, as EventBridge would: the same handler, the same event. A failed run is
 * reported on stderr and retried at the next tick, as the schedule would.
 *
 * @returns its stop.
 * @throws when the first run fails (a cell that cannot seal should not start).
 */
export async function startSchedule(
  fn: LocalScheduledFunction,
  cell: LocalCell,
  everyMs: number,
): Promise<() => Promise<void>> {
  const handler = (await fn.build(cell.env)) as (event: unknown, context: unknown) => Promise<unknown>;
  const functionName = `visitbridge-${cell.id}-${fn.name}`;
  const run = () => handler(fn.event, localContext(functionName));
  await run();
  const timer = setInterval(() => {
    run().catch((error: unknown) =>
      process.stderr.write(`scheduled ${functionName}: ${(error as Error).message}\n`),
    );
  }, everyMs);
  timer.unref();
  return async () => clearInterval(timer);
}
