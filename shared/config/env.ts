import * as z from 'zod';
import { JurisdictionId } from '../domain/policy/model.js';

/** A raw environment: `process.env` in Lambda, a per-function record in the local runtime. */
export type Env = Record<string, string | undefined>;

export const Url = z.url();

/** A JSON object in one variable, checked against `schema`; `what` says the expected shape in the error. */
export const JsonVariable = <S extends z.ZodType>(schema: S, what: string) =>
  z.string().transform((raw, ctx): z.infer<S> => {
    try {
      return schema.parse(JSON.parse(raw));
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be ${what}` });
      return z.NEVER;
    }
  });

/** Powertools log levels: what `LOG_LEVEL` (Lambda, local stack) and context `logLevel` (CDK) accept. */
export const LogLevel = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']);

/** What every function of a cell is told: which cell, its table and policy, where it runs. */
export const BaseFields = {
  CELL_ID: JurisdictionId,
  TABLE_NAME: z.string().min(3),
  POLICY_FILE: z.string().min(1),
  DYNAMODB_ENDPOINT: Url.optional(),
  AWS_REGION: z.string().min(1),
  LOG_LEVEL: LogLevel.default('INFO'),
};
export type BaseEnv = z.infer<z.ZodObject<typeof BaseFields>>;

/**
 * What the functions that read notes share: the note key, the pseudonymisation
 * key and the cell's addresses. Secret *names* only; values come from the stores they name.
 */
export const CellFields = {
  ...BaseFields,
  /** KMS key of the cell (AWS). Exactly one of KMS_KEY_ARN and LOCAL_KEY_FILE. */
  KMS_KEY_ARN: z.string().startsWith('arn:aws').optional(),
  /** The cell's patient key table (per-patient keys, wrapped under the cell key). */
  PATIENT_KEY_TABLE: z.string().min(3),
  /** Raw AES-256 wrapping key file (local runtime). */
  LOCAL_KEY_FILE: z.string().min(1).optional(),
  /** Secret holding the cell-local pseudonymisation key (AWS). Exactly one of these two. */
  PSEUDONYM_KEY_SECRET_ARN: z.string().startsWith('arn:aws').optional(),
  PSEUDONYM_KEY_FILE: z.string().min(1).optional(),
  /** Public base URL of this cell's API, used in receipts. */
  PUBLIC_BASE_URL: Url,
  /** JSON object of every cell's public base URL, for 421 bodies and forwarding. */
  CELL_ENDPOINTS: JsonVariable(z.record(z.string(), Url), 'a JSON object of cell id to URL'),
};
export type CellEnv = z.infer<z.ZodObject<typeof CellFields>>;

/** One setting with a local form (a file) and an AWS form (a key or secret ARN, a name prefix). */
export type SecretPair = readonly [local: string, aws: string];

/** The note key and the pseudonymisation key, which every `CellFields` environment has. */
export const CELL_SECRETS: readonly SecretPair[] = [
  ['LOCAL_KEY_FILE', 'KMS_KEY_ARN'],
  ['PSEUDONYM_KEY_FILE', 'PSEUDONYM_KEY_SECRET_ARN'],
];

/**
 * Each pair set exactly once, and all of them in the same runtime: files locally, AWS
 * names in AWS (a function reads every secret from one source).
 */
export const checkSecretPairs =
  (pairs: readonly SecretPair[]) =>
  (env: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const [local, aws] of pairs) {
      if (Boolean(env[local]) === Boolean(env[aws]))
        ctx.addIssue({ code: 'custom', path: [aws], message: `set exactly one of ${aws} and ${local}` });
    }
    const runtimes = new Set(
      pairs.filter(([local, aws]) => env[local] || env[aws]).map(([local]) => Boolean(env[local])),
    );
    if (runtimes.size > 1)
      ctx.addIssue({
        code: 'custom',
        path: [pairs[0]?.[0] ?? ''],
        message: `set either the local files (${pairs.map(([l]) => l).join(', ')}) or the AWS settings, not both kinds`,
      });
  };

/**
 * Parses a function's environment once at cold start. Throws with every bad
 * variable named, so a misconfigured cell fails loudly instead of running on guesses.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Where digests are signed and anchored: an asymmetric KMS key and an Object Lock
 * bucket in AWS, a P-256 key file and an append-only folder locally.
 */
export const IntegrityFields = {
  /** Asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs digests (AWS). */
  DIGEST_KEY_ARN: z.string().startsWith('arn:aws').optional(),
  /** PKCS#8 PEM file of the local P-256 digest key, created on first start (local runtime). */
  DIGEST_KEY_FILE: z.string().min(1).optional(),
  /** S3 bucket (Object Lock, compliance mode) holding the digest chains (AWS). */
  DIGEST_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .optional(),
  /** Append-only folder holding the digest chains (local runtime). */
  DIGEST_ANCHOR_DIR: z.string().min(1).optional(),
  /** How often digests are made; verification fails on records unsealed for two intervals. */
  DIGEST_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
};

/** The digest key and its anchor: exactly one of each, from the same runtime. */
export const INTEGRITY_SECRETS: readonly SecretPair[] = [
  ['DIGEST_KEY_FILE', 'DIGEST_KEY_ARN'],
  ['DIGEST_ANCHOR_DIR', 'DIGEST_BUCKET'],
];
