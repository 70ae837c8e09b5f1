import { resolve } from 'node:path';
import { patientKeyTableName } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import type { Env } from '../../shared/config/env.js';
import type { Jurisdiction } from '../../shared/domain/policy/model.js';
import {
  type CellResources,
  type FunctionKind,
  functionEnvironment,
  type LocalCellStore,
  localKeyFiles,
} from '../cell-environment.js';
import { DEV_AUDIENCE, type DevIssuer, ROLES_CLAIM } from './dev-issuer.js';

export interface LocalCell {
  id: string;
  jurisdiction: Jurisdiction;
  tableName: string;
  baseUrl: string;
  /** What the cell's functions know of it, with its keys and secrets in local files. */
  resources: CellResources & { store: LocalCellStore };
  /** The environment one function of the cell gets: what CDK sets in AWS, pointed at local parts. */
  env(kind: FunctionKind): Env;
}

/** The local key and secret files of a cell (each created on first start by the function that reads it). */
export const cellKeyFiles = (cell: LocalCell) => localKeyFiles(cell.id, cell.resources.store);

/** Describes each cell of the policy for the local runtime. */
export function localCells(input: {
  jurisdictions: Jurisdiction[];
  stackUrl: string;
  issuer: Pick<DevIssuer, 'issuer' | 'jwksUrl'>;
  dataDir: string;
  policyFile: string;
  dynamoEndpoint: string;
  sendersFile: string;
  logLevel: string;
  /** EHR endpoint per target (sandboxes or real servers): the worker's EHR_ENDPOINTS. */
  ehrEndpoints: Record<string, { baseUrl: string; tokenUrl?: string }>;
  ehrTimeoutMs: number;
  /** How often digests are made (DIGEST_INTERVAL_MINUTES). */
  digestIntervalMinutes: number;
  /** Appended to table names so several stacks can share one DynamoDB Local (tests). */
  tableSuffix?: string;
}): LocalCell[] {
  const baseUrl = (id: string) => `${input.stackUrl}/${id}/`;
  const cellEndpoints = Object.fromEntries(input.jurisdictions.map((j) => [j.id, baseUrl(j.id)]));
  return input.jurisdictions.map((jurisdiction) => {
    const id = jurisdiction.id;
    const tableName = `${cellTableName(id)}${input.tableSuffix ?? ''}`;
    const resources: LocalCell['resources'] = {
      cellId: id,
      tableName,
      patientKeyTableName: patientKeyTableName(tableName),
      publicBaseUrl: baseUrl(id),
      cellEndpoints,
      ehrEndpoints: input.ehrEndpoints,
      ehrTimeoutMs: input.ehrTimeoutMs,
      him: {
        issuer: input.issuer.issuer,
        audience: DEV_AUDIENCE,
        jwksUrl: input.issuer.jwksUrl,
        rolesClaim: ROLES_CLAIM,
        corsOrigins: [],
      },
      digestIntervalMinutes: input.digestIntervalMinutes,
      logLevel: input.logLevel,
      store: {
        runtime: 'local',
        region: jurisdiction.region,
        policyFile: resolve(input.policyFile),
        dynamoEndpoint: input.dynamoEndpoint,
        keysDir: resolve(input.dataDir, 'keys'),
        anchorDir: resolve(input.dataDir, 'anchor'),
        sendersFile: resolve(input.sendersFile),
      },
    };
    return {
      id,
      jurisdiction,
      tableName,
      baseUrl: baseUrl(id),
      resources,
      env: (kind) => functionEnvironment(kind, resources),
    };
  });
}
