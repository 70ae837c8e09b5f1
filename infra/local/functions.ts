import { buildHimHandler } from '../../functions/him-api/deps.js';
import { HIM_ROUTES } from '../../functions/him-api/handler-factory.js';
import { buildIngestHandler } from '../../functions/ingest/deps.js';
import { INGEST_ROUTES } from '../../functions/ingest/handler-factory.js';
import type { Env } from '../../shared/config/env.js';
import type { LambdaHttpHandler } from './api-gateway.js';

/** A function of a cell behind the HTTP API: its routes and its composition root. */
export interface LocalHttpFunction {
  name: string;
  routes: readonly string[];
  build(env: Env): Promise<LambdaHttpHandler>;
  /** Events EventBridge schedules invoke the function with in AWS (every hour there; VISITBRIDGE_SCHEDULE_INTERVAL_MS locally). */
  schedules?: readonly unknown[];
}

/** Every HTTP function each cell runs, as its HTTP API routes them in AWS (infra/cdk/constructs/cell-api.ts). */
export const HTTP_FUNCTIONS: readonly LocalHttpFunction[] = [
  { name: 'ingest', routes: INGEST_ROUTES, build: buildIngestHandler },
  {
    name: 'him-api',
    routes: HIM_ROUTES,
    build: buildHimHandler,
    schedules: [{ source: 'visitbridge.digest' }],
  },
];
