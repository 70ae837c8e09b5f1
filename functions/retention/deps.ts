import { DynamoLegalHolds } from '../../shared/adapters/dynamodb/legal-hold-store.js';
import { DynamoPatientIndex } from '../../shared/adapters/dynamodb/patient-index.js';
import { DynamoRetentionStore } from '../../shared/adapters/dynamodb/retention-store.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import type { RetentionDeps } from '../../shared/domain/retention/run.js';
import { buildCellCore, type CellCore } from '../cell-core.js';
import { RetentionEnv } from './env.js';
import { makeRetentionHandler, type RetentionHandler } from './handler-factory.js';

/** A cell's retention sweep on its table: the schedule of its jurisdiction, its holds and audit log. */
export function retentionDeps(cell: CellCore): RetentionDeps {
  return {
    cell: cell.cell,
    days: cell.jurisdiction.retention.days,
    store: new DynamoRetentionStore(cell.dynamo, cell.tableName),
    patientIndex: new DynamoPatientIndex(cell.dynamo, cell.tableName),
    holds: new DynamoLegalHolds(cell.dynamo, cell.tableName),
    audit: cell.audit,
    clock: cell.clock,
  };
}

/**
 * The retention function's composition root: the cell's core (policy, table, audit
 * log) and the sweep's adapters. Lambda calls it with process.env; the local runtime
 * with the function's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildRetentionHandler(raw: Env): Promise<RetentionHandler> {
  const cell = buildCellCore(parseEnv(RetentionEnv, raw), 'retention');
  return makeRetentionHandler({ ...retentionDeps(cell), logger: cell.logger });
}
