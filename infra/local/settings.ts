import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { LogLevel } from '../../shared/config/env.js';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const DEFAULT_POLICY_FILE = resolve(PROJECT_ROOT, 'policy/default-policy.json');
export const DEMO_SENDER_ID = 'demo-telehealth';

/**
 * Settings of the local runtime, from the environment (and CLI flags). `npm start`,
 * the CLI and the demo read the same ones, so they find the same stack.
 */
export const LocalSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  VISITBRIDGE_DATA_DIR: z.string().default('.visitbridge'),
  VISITBRIDGE_POLICY_FILE: z.string().default(DEFAULT_POLICY_FILE),
  VISITBRIDGE_DEMO_SENDER_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_ base64 secret')
    .optional(),
  /** JSON `{ "<ehrTargetId>": { "baseUrl": "…", "tokenUrl": "…" } }`: real FHIR servers instead of sandboxes. */
  VISITBRIDGE_EHR_ENDPOINTS: z.string().optional(),
  /** Budget to receive one whole request (headers and body); a slower client gets 408 and is cut off. */
  VISITBRIDGE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Budget of one EHR request of the delivery workers. */
  VISITBRIDGE_EHR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How often each cell seals its ledger and audit log with a signed digest (as the AWS schedule). */
  VISITBRIDGE_DIGEST_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** Use this DynamoDB endpoint (e.g. a DynamoDB Local you run yourself) instead of starting one. */
  VISITBRIDGE_DYNAMODB_ENDPOINT: z.url().optional(),
  /** Appended to every table name, so several runtimes can share one DynamoDB endpoint. */
  VISITBRIDGE_TABLE_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,32}$/)
    .optional(),
  VISITBRIDGE_DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: LogLevel.default('WARN'),
});
export type LocalSettings = z.infer<typeof LocalSettings>;

export function localSettings(env: Record<string, string | undefined> = process.env): LocalSettings {
  const parsed = LocalSettings.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid local settings: ${problems}`);
  }
  return parsed.data;
}

/** Base URL of the local stack as clients reach it. */
export const stackUrl = (s: Pick<LocalSettings, 'HOST' | 'PORT'>): string => `http://${s.HOST}:${s.PORT}`;
