import { buildDeliverHandler } from '../../functions/deliver/deps.js';
import type { StreamHandler } from '../../functions/deliver/handler-factory.js';
import { buildDigestHandler } from '../../functions/digest/deps.js';
import { DIGEST_EVENT } from '../../functions/digest/handler-factory.js';
import { buildHimHandler } from '../../functions/him-api/deps.js';
import { HIM_ROUTES } from '../../functions/him-api/handler-factory.js';
import { buildIngestHandler } from '../../functions/ingest/deps.js';
import { INGEST_ROUTES } from '../../functions/ingest/handler-factory.js';
import { buildRetentionHandler } from '../../functions/retention/deps.js';
import { RETENTION_EVENT } from '../../functions/retention/handler-factory.js';
import { inProcessReports } from '../../shared/adapters/pdf/report-pdf.js';
import type { Env } from '../../shared/config/env.js';
import type { FunctionKind } from '../cell-environment.js';
import { type LambdaHttpHandler, localContext, type Route } from './api-gateway.js';
import type { LocalCell } from './cells.js';
import { LocalNagReport } from './nag-report.js';

/** A function of a cell behind the HTTP API: its routes and its composition root. */
export interface LocalHttpFunction {
  name: FunctionKind;
  routes: readonly string[];
  build(env: Env, cell: LocalCell): Promise<LambdaHttpHandler>;
}

/** Every HTTP function each cell runs, as its HTTP API routes them in AWS (infra/cdk/constructs/cell-api.ts). */
export const HTTP_FUNCTIONS: readonly LocalHttpFunction[] = [
  { name: 'ingest', routes: INGEST_ROUTES, build: (env) => buildIngestHandler(env) },
  // pdf-lib renders in process here; in AWS it would not fit the API's bundle (docs/evidence.md).
  // The cdk-nag report: a synth of this cell from the checkout, made when a pack first asks.
  {
    name: 'him-api',
    routes: HIM_ROUTES,
    build: (env, cell) =>
      buildHimHandler(env, {
        reports: inProcessReports,
        infraChecks: new LocalNagReport(cell.id, cell.resources.store.policyFile),
      }),
  },
];

/** A function an EventBridge schedule invokes in AWS; locally a timer does (and, for some, once at start-up). */
export interface LocalScheduledFunction {
  name: FunctionKind;
  /** What the start-up banner says while a first run goes at start-up; absent: the first run is a tick away. */
  startMessage?: string;
  event: unknown;
  /** Its own interval; the stack's schedule interval (the digests') when absent. */
  everyMs?: number;
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
  {
    name: 'retention',
    event: RETENTION_EVENT,
    // Daily in AWS; hourly here (not at start-up), so a stack left running sees its schedule applied.
    everyMs: 60 * 60_000,
    build: buildRetentionHandler,
  },
];

/** A cell's functions, started: its HTTP routes, its delivery worker's handler, and the stop of its schedules. */
export interface StartedCell {
  routes: Route[];
  deliver: StreamHandler;
  stop(): Promise<void>;
}

/**
 * Builds every function of a cell with its own environment (as CDK sets it, pointed at
 * local parts) and starts its schedules: the HTTP functions' routes, the delivery
 * worker's handler (its stream poller starts later), the scheduled functions' timers.
 *
 * @throws when a composition root fails (an invalid environment, key or policy) or a first scheduled run fails.
 */
export async function startCellFunctions(
  cell: LocalCell,
  scheduleEveryMs: number,
  progress: (step: string) => void,
): Promise<StartedCell> {
  const routes: Route[] = [];
  for (const fn of HTTP_FUNCTIONS) {
    const handler = await fn.build(cell.env(fn.name), cell);
    const functionName = `visitbridge-${cell.id}-${fn.name}`;
    routes.push(...fn.routes.map((routeKey) => ({ routeKey, handler, functionName })));
  }
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => void (await Promise.all(stops.map((s) => s())));
  try {
    for (const fn of SCHEDULED_FUNCTIONS) {
      if (fn.startMessage) progress(`cell ${cell.id}: ${fn.startMessage}`);
      stops.push(await startSchedule(fn, cell, fn.everyMs ?? scheduleEveryMs));
    }
    return { routes, deliver: await buildDeliverHandler(cell.env('deliver')), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs a scheduled function of a cell now when it has a `startMessage` (its first
 * digest at start-up), then every `everyMs`, as EventBridge would: the same handler,
 * the same event. A failed run is reported on stderr and retried at the next tick, as
 * the schedule would.
 *
 * @returns its stop.
 * @throws when the first run at start-up fails (a cell that cannot seal should not start).
 */
export async function startSchedule(
  fn: LocalScheduledFunction,
  cell: LocalCell,
  everyMs: number,
): Promise<() => Promise<void>> {
  const handler = (await fn.build(cell.env(fn.name))) as (
    event: unknown,
    context: unknown,
  ) => Promise<unknown>;
  const functionName = `visitbridge-${cell.id}-${fn.name}`;
  const run = () => handler(fn.event, localContext(functionName));
  if (fn.startMessage) await run();
  const timer = setInterval(() => {
    run().catch((error: unknown) =>
      process.stderr.write(`scheduled ${functionName}: ${(error as Error).message}\n`),
    );
  }, everyMs);
  timer.unref();
  return async () => clearInterval(timer);
}
