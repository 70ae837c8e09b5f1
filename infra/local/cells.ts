import { join, resolve } from 'node:path';
import { cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import type { Env } from '../../shared/config/env.js';
import type { Jurisdiction } from '../../shared/domain/policy/model.js';
import { DEV_AUDIENCE, type DevIssuer, ROLES_CLAIM } from './dev-issuer.js';

export interface LocalCell {
  id: string;
  jurisdiction: Jurisdiction;
  tableName: string;
  baseUrl: string;
  /** The environment the cell's functions get: what CDK sets in AWS, pointed at local parts. */
  env: Env;
}

/** Key files of a cell's functions (created on first start by the function that owns each). */
export function functionsKeyFiles(cell: Pick<LocalCell, 'env'>): { smart: string } {
  return { smart: String(cell.env.SMART_KEY_FILE) };
}

/** Builds each cell's function environment for the local runtime. */
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
  const keys = resolve(input.dataDir, 'keys');
  const baseUrl = (id: string) => `${input.stackUrl}/${id}/`;
  const endpoints = JSON.stringify(Object.fromEntries(input.jurisdictions.map((j) => [j.id, baseUrl(j.id)])));
  return input.jurisdictions.map((jurisdiction) => {
    const id = jurisdiction.id;
    const tableName = `${cellTableName(id)}${input.tableSuffix ?? ''}`;
    return {
      id,
      jurisdiction,
      tableName,
      baseUrl: baseUrl(id),
      env: {
        CELL_ID: id,
        TABLE_NAME: tableName,
        POLICY_FILE: resolve(input.policyFile),
        LOCAL_KEY_FILE: join(keys, `${id}.wrapping.key`),
        PSEUDONYM_KEY_FILE: join(keys, `${id}.pseudonym.key`),
        PUBLIC_BASE_URL: baseUrl(id),
        CELL_ENDPOINTS: endpoints,
        DYNAMODB_ENDPOINT: input.dynamoEndpoint,
        AWS_REGION: jurisdiction.region,
        SENDERS_FILE: resolve(input.sendersFile),
        LOG_LEVEL: input.logLevel,
        // Cell-to-cell forwarding credential: one per deployment locally.
        FORWARD_SECRET_FILE: join(keys, 'forwarding.secret'),
        SMART_KEY_FILE: join(keys, `${id}.smart-client.pem`),
        DIGEST_KEY_FILE: join(keys, `${id}.digest.pem`),
        DIGEST_ANCHOR_DIR: resolve(input.dataDir, 'anchor'),
        DIGEST_INTERVAL_MINUTES: String(input.digestIntervalMinutes),
        HIM_ISSUER: input.issuer.issuer,
        HIM_AUDIENCE: DEV_AUDIENCE,
        HIM_JWKS_URL: input.issuer.jwksUrl,
        HIM_ROLES_CLAIM: ROLES_CLAIM,
        EHR_ENDPOINTS: JSON.stringify(input.ehrEndpoints),
        EHR_TIMEOUT_MS: String(input.ehrTimeoutMs),
        // The local stack runs its own callback receivers on loopback.
        CALLBACK_ALLOW_LOOPBACK_HTTP: 'true',
      },
    };
  });
}
