import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'constructs';
import * as z from 'zod';
import { type Jurisdiction, ResidencyPolicy } from '../../shared/config/policy.js';

/** Everything the CDK app reads from context, parsed once and checked. */
export interface DeploySettings {
  /** Absolute path of the residency policy file; bundled into every function. */
  policyFile: string;
  policy: ResidencyPolicy;
  /** The cells to synthesise (all jurisdictions unless context `cells` narrows them). */
  cells: Jurisdiction[];
  /** Target account, or undefined for an environment-agnostic account. */
  account: string | undefined;
  /** Public base URL of each cell that context `cellEndpoints` names. */
  cellEndpoints: Record<string, string>;
  /** External JWT issuer for the HIM API; undefined means a Cognito user pool per cell. */
  himIssuer: string | undefined;
  himAudience: string[] | undefined;
  /** Extra browser origins allowed to call the HIM API (each cell's own console is always allowed). */
  consoleOrigins: string[];
  /** Folder of the static HIM console (context `consoleDir`, default `console/`); skipped when absent. */
  consoleDir: string;
  /** Powertools log level of every function. */
  logLevel: string;
}

const DEFAULT_POLICY_FILE = 'policy/default-policy.json';

/** Default public base URL of a cell when context `cellEndpoints` does not name one. */
export const defaultCellEndpoint = (cellId: string): string => `https://${cellId}.visitbridge.example.com/`;

const Endpoints = z.record(z.string(), z.url());

/** Context values arrive as strings from `-c key=value` and as JSON values from cdk.json. */
function jsonContext(node: Node, key: string): unknown {
  const raw: unknown = node.tryGetContext(key);
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return raw;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new Error(`context "${key}" is not valid JSON`, { cause });
  }
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Loads and validates the residency policy. A bad policy fails synth with the
 * file path and every problem named.
 * @throws Error when the file cannot be read, is not JSON, or does not match `ResidencyPolicy`.
 */
export function loadPolicy(policyFile: string): ResidencyPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(policyFile, 'utf8'));
  } catch (cause) {
    throw new Error(`residency policy ${policyFile}: cannot read JSON`, { cause });
  }
  const result = ResidencyPolicy.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`residency policy ${policyFile} is invalid: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Reads the deploy settings from the app's context (see docs/deploy.md).
 * @throws Error on a bad policy, an unknown cell in `cells`, or malformed `cellEndpoints`.
 */
export function readDeploySettings(node: Node, cwd: string = process.cwd()): DeploySettings {
  const policyFile = resolve(cwd, String(node.tryGetContext('policyFile') ?? DEFAULT_POLICY_FILE));
  const policy = loadPolicy(policyFile);
  const wanted = stringList(jsonContext(node, 'cells'));
  const known = new Set(policy.jurisdictions.map((j) => j.id));
  const unknown = (wanted ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `context "cells" names unknown cells ${unknown.join(', ')}; the policy has ${[...known].join(', ')}`,
    );
  }
  const cells = wanted ? policy.jurisdictions.filter((j) => wanted.includes(j.id)) : policy.jurisdictions;
  const endpoints = Endpoints.safeParse(jsonContext(node, 'cellEndpoints') ?? {});
  if (!endpoints.success)
    throw new Error('context "cellEndpoints" must be a JSON object of cell id to https URL');
  const issuer: unknown = node.tryGetContext('himIssuer');
  const audience = stringList(jsonContext(node, 'himAudience'));
  if (Boolean(issuer) !== Boolean(audience)) {
    throw new Error(
      'set both context "himIssuer" and "himAudience", or neither (a Cognito user pool per cell)',
    );
  }
  const account: unknown = node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  return {
    policyFile,
    policy,
    cells,
    account: account ? String(account) : undefined,
    cellEndpoints: endpoints.data,
    himIssuer: issuer ? String(issuer) : undefined,
    himAudience: audience,
    consoleDir: resolve(cwd, String(node.tryGetContext('consoleDir') ?? 'console')),
    consoleOrigins: stringList(jsonContext(node, 'consoleOrigins')) ?? [],
    logLevel: String(node.tryGetContext('logLevel') ?? 'INFO'),
  };
}

/** Every cell's public base URL: the context value, else the documented default. */
export function allCellEndpoints(settings: DeploySettings): Record<string, string> {
  return Object.fromEntries(
    settings.policy.jurisdictions.map((j) => [
      j.id,
      settings.cellEndpoints[j.id] ?? defaultCellEndpoint(j.id),
    ]),
  );
}
