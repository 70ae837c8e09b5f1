import { resolve } from 'node:path';
import type { Node } from 'constructs';
import * as z from 'zod';
import { LogLevel } from '../../shared/config/env.js';
import { loadPolicy } from '../../shared/config/load-policy.js';
import type { Jurisdiction, ResidencyPolicy } from '../../shared/domain/policy/model.js';

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
  /** Audiences the JWT authorizer accepts; the HIM API function checks the first one too. */
  himAudience: string[] | undefined;
  /** JWKS of the HIM issuer; undefined means `<issuer>/.well-known/jwks.json`. */
  himJwksUrl: string | undefined;
  /** Token claim holding the HIM roles. */
  himRolesClaim: string;
  /** Per-EHR-target endpoint overrides (context `ehrEndpoints`); targets not named use the policy's URLs. */
  ehrEndpoints: EhrEndpoints;
  /** Public JWKS of each cell's SMART client keys (context `smartPublicJwks`: cell id to JWKS), served by ingest. */
  smartPublicJwks: Record<string, { keys: Array<Record<string, unknown>> }>;
  /** Extra browser origins allowed to call the HIM API (each cell's own console is always allowed). */
  consoleOrigins: string[];
  /** Folder of the static HIM console (context `consoleDir`, default `console/`); skipped when absent. */
  consoleDir: string;
  /** Powertools log level of every function. */
  logLevel: string;
  /** Minutes between scheduled digests of the ledger and the audit log (context `digestIntervalMinutes`). */
  digestIntervalMinutes: number;
  /** Object Lock retention of the digests, in years, COMPLIANCE mode (context `digestRetentionYears`). */
  digestRetentionYears: number;
}

/** Digests must outlive the six years HIPAA keeps its documentation (45 CFR 164.316(b)(2)). */
export const MIN_DIGEST_RETENTION_YEARS = 6;
/** S3 Object Lock's longest default retention. */
const MAX_DIGEST_RETENTION_YEARS = 100;

const DEFAULT_POLICY_FILE = 'policy/default-policy.json';

/** Default public base URL of a cell when context `cellEndpoints` does not name one. */
export const defaultCellEndpoint = (cellId: string): string => `https://${cellId}.visitbridge.example.com/`;

const HttpsUrl = z.url({ protocol: /^https$/ });
/** A base URL other paths are resolved against: it must end with `/`. */
const BaseUrl = HttpsUrl.refine((url) => url.endsWith('/'), 'must end with /');
const Endpoints = z.record(z.string(), BaseUrl);

/** `ehrEndpoints` context: EHR target id to its FHIR base URL and (optional) SMART token URL. */
export const EhrEndpoints = z.record(
  z.string(),
  z.strictObject({ baseUrl: HttpsUrl, tokenUrl: HttpsUrl.optional() }),
);
export type EhrEndpoints = z.infer<typeof EhrEndpoints>;

/** Log levels every function accepts (the HIM API's schema is the strictest). */

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
  const list = (Array.isArray(value) ? value.map(String) : String(value).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

const Jwks = z.strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) });

/** `smartPublicJwks` context: public keys only; a private member (`d`, `p`, `q`, …) fails the synth. */
function readSmartJwks(node: Node, known: Set<string>): DeploySettings['smartPublicJwks'] {
  const parsed = z.record(z.string(), Jwks).safeParse(jsonContext(node, 'smartPublicJwks') ?? {});
  if (!parsed.success)
    throw new Error('context "smartPublicJwks" must be a JSON object of cell id to a JWKS {"keys": [...]}');
  for (const [cell, jwks] of Object.entries(parsed.data)) {
    if (!known.has(cell)) throw new Error(`context "smartPublicJwks" names unknown cell ${cell}`);
    if (jwks.keys.some((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].some((m) => m in k))) {
      throw new Error(
        `context "smartPublicJwks" for ${cell} holds a private key member: publish public keys only`,
      );
    }
  }
  return parsed.data;
}

function readEhrEndpoints(node: Node, policy: ResidencyPolicy): EhrEndpoints {
  const parsed = EhrEndpoints.safeParse(jsonContext(node, 'ehrEndpoints') ?? {});
  if (!parsed.success) {
    throw new Error(
      'context "ehrEndpoints" must be a JSON object of EHR target id to {"baseUrl": https URL, "tokenUrl"?: https URL}',
    );
  }
  const targets = new Set(policy.ehrTargets.map((t) => t.id));
  const unknown = Object.keys(parsed.data).filter((id) => !targets.has(id));
  if (unknown.length > 0) {
    throw new Error(`context "ehrEndpoints" names unknown EHR targets ${unknown.join(', ')}`);
  }
  return parsed.data;
}

function optionalHttpsUrl(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parsed = HttpsUrl.safeParse(raw);
  if (!parsed.success) throw new Error(`context "${key}" must be an https URL`);
  return parsed.data;
}

/** A whole-number context value within bounds, or its default when absent. */
function intContext(
  node: Node,
  key: string,
  fallback: number,
  min: number,
  max: number,
  why: string,
): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(raw);
  if (!parsed.success) throw new Error(`context "${key}" must be a whole number from ${min} to ${max}${why}`);
  return parsed.data;
}

/**
 * Reads the deploy settings from the app's context (see docs/deploy.md).
 * @throws Error on a bad policy, an unknown cell in `cells`, malformed `cellEndpoints`
 *   or `ehrEndpoints`, a HIM issuer without audience (or the reverse), an unknown log level,
 *   a digest interval outside 1..1440 minutes or a digest retention under six years.
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
    throw new Error('context "cellEndpoints" must be a JSON object of cell id to https URL ending with /');
  const strangers = Object.keys(endpoints.data).filter((id) => !known.has(id));
  if (strangers.length > 0)
    throw new Error(`context "cellEndpoints" names unknown cells ${strangers.join(', ')}`);
  const issuer = optionalHttpsUrl(node, 'himIssuer');
  const audience = stringList(jsonContext(node, 'himAudience'));
  if (Boolean(issuer) !== Boolean(audience)) {
    throw new Error(
      'set both context "himIssuer" and "himAudience", or neither (a Cognito user pool per cell)',
    );
  }
  const jwksUrl = optionalHttpsUrl(node, 'himJwksUrl');
  if (jwksUrl && !issuer)
    throw new Error('context "himJwksUrl" needs "himIssuer" (the Cognito pool has its own)');
  const logLevel = LogLevel.safeParse(String(node.tryGetContext('logLevel') ?? 'INFO'));
  if (!logLevel.success) throw new Error(`context "logLevel" must be one of ${LogLevel.options.join(', ')}`);
  const account: unknown = node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  return {
    policyFile,
    policy,
    cells,
    account: account ? String(account) : undefined,
    cellEndpoints: endpoints.data,
    himIssuer: issuer,
    himAudience: audience,
    himJwksUrl: jwksUrl,
    himRolesClaim: String(node.tryGetContext('himRolesClaim') ?? 'cognito:groups'),
    ehrEndpoints: readEhrEndpoints(node, policy),
    smartPublicJwks: readSmartJwks(node, known),
    consoleDir: resolve(cwd, String(node.tryGetContext('consoleDir') ?? 'console')),
    consoleOrigins: stringList(jsonContext(node, 'consoleOrigins')) ?? [],
    logLevel: logLevel.data,
    digestIntervalMinutes: intContext(node, 'digestIntervalMinutes', 5, 1, 1440, ''),
    digestRetentionYears: intContext(
      node,
      'digestRetentionYears',
      MIN_DIGEST_RETENTION_YEARS,
      MIN_DIGEST_RETENTION_YEARS,
      MAX_DIGEST_RETENTION_YEARS,
      ': digests are evidence and must be kept at least six years',
    ),
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
