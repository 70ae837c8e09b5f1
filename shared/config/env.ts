import * as z from 'zod';
import { JurisdictionId } from '../domain/policy/model.js';

/** A raw environment: `process.env` in Lambda, a per-cell record in the local runtime. */
export type Env = Record<string, string | undefined>;

const Url = z.url();

/** Settings every function of a cell shares. Secret *names* only; secret values come from the stores they name. */
export const CellEnv = z
  .object({
    CELL_ID: JurisdictionId,
    TABLE_NAME: z.string().min(3),
    POLICY_FILE: z.string().min(1),
    /** KMS key of the cell (AWS). Exactly one of KMS_KEY_ARN and LOCAL_KEY_FILE. */
    KMS_KEY_ARN: z.string().startsWith('arn:aws').optional(),
    /** Raw AES-256 wrapping key file (local runtime). */
    LOCAL_KEY_FILE: z.string().min(1).optional(),
    /** Secret holding the cell-local pseudonymisation key (AWS). Exactly one of these two. */
    PSEUDONYM_KEY_SECRET_ARN: z.string().startsWith('arn:aws').optional(),
    PSEUDONYM_KEY_FILE: z.string().min(1).optional(),
    /** Public base URL of this cell's API, used in receipts. */
    PUBLIC_BASE_URL: Url,
    /** JSON object of every cell's public base URL, for 421 bodies and forwarding. */
    CELL_ENDPOINTS: z.string().transform((raw, ctx) => {
      try {
        return z.record(z.string(), Url).parse(JSON.parse(raw));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of cell id to URL' });
        return z.NEVER;
      }
    }),
    DYNAMODB_ENDPOINT: Url.optional(),
    AWS_REGION: z.string().min(1),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.KMS_KEY_ARN) === Boolean(env.LOCAL_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KMS_KEY_ARN'],
        message: 'set exactly one of KMS_KEY_ARN and LOCAL_KEY_FILE',
      });
    }
    if (Boolean(env.PSEUDONYM_KEY_SECRET_ARN) === Boolean(env.PSEUDONYM_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PSEUDONYM_KEY_SECRET_ARN'],
        message: 'set exactly one of PSEUDONYM_KEY_SECRET_ARN and PSEUDONYM_KEY_FILE',
      });
    }
  });
export type CellEnv = z.infer<typeof CellEnv>;

/** The ingest function's settings. */
export const IngestEnv = z.intersection(
  CellEnv,
  z
    .object({
      /** Secrets Manager name prefix of sender secrets: `<prefix><senderId>` holds `{"secrets":["whsec_..."]}` (AWS). */
      SENDER_SECRETS_PREFIX: z.string().min(1).optional(),
      /** JSON file of senders and their secrets (local runtime). */
      SENDERS_FILE: z.string().min(1).optional(),
      MAX_BODY_BYTES: z.coerce
        .number()
        .int()
        .min(1024)
        .max(6_000_000)
        .default(256 * 1024),
      /** Secret holding the cell-to-cell forwarding secret(s), `whsec_…`, the first signs (AWS). Exactly one of these two. */
      FORWARD_SECRET_ARN: z.string().startsWith('arn:aws').optional(),
      /** File of the cell-to-cell forwarding secret, created on first use (local runtime; shared by all cells). */
      FORWARD_SECRET_FILE: z.string().min(1).optional(),
      /** Time to wait for the home cell per forwarding attempt (one retry on network errors). */
      FORWARD_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(5_000),
      /** JWKS (JSON) of the cell's SMART client public keys, served at /.well-known/jwks.json. Public, not secret. */
      SMART_PUBLIC_JWKS: z
        .string()
        .transform((raw, ctx) => {
          try {
            return z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).parse(JSON.parse(raw));
          } catch {
            ctx.addIssue({ code: 'custom', message: 'must be a JWKS JSON document {"keys": [...]}' });
            return z.NEVER;
          }
        })
        .optional(),
    })
    .refine((env) => Boolean(env.SENDER_SECRETS_PREFIX) !== Boolean(env.SENDERS_FILE), {
      message: 'set exactly one of SENDER_SECRETS_PREFIX and SENDERS_FILE',
      path: ['SENDER_SECRETS_PREFIX'],
    })
    .refine((env) => Boolean(env.FORWARD_SECRET_ARN) !== Boolean(env.FORWARD_SECRET_FILE), {
      message: 'set exactly one of FORWARD_SECRET_ARN and FORWARD_SECRET_FILE',
      path: ['FORWARD_SECRET_ARN'],
    }),
);
export type IngestEnv = z.infer<typeof IngestEnv>;

const EhrEndpoints = z.string().transform((raw, ctx) => {
  try {
    return z.record(z.string(), z.object({ baseUrl: Url, tokenUrl: Url.optional() })).parse(JSON.parse(raw));
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a JSON object of EHR target id to {"baseUrl", "tokenUrl"}',
    });
    return z.NEVER;
  }
});

/** The delivery worker's settings. */
export const DeliverEnv = z.intersection(
  CellEnv,
  z
    .object({
      /** Secret holding the SMART client's private key as PKCS8 PEM (AWS). Exactly one of these two. */
      SMART_PRIVATE_KEY_SECRET_ARN: z.string().startsWith('arn:aws').optional(),
      /** PKCS8 PEM file of the SMART client key, created on first start (local runtime). */
      SMART_KEY_FILE: z.string().min(1).optional(),
      /** Per-target endpoint overrides; targets without one use the policy's `baseUrl`. */
      EHR_ENDPOINTS: EhrEndpoints.optional(),
      SENDER_SECRETS_PREFIX: z.string().min(1).optional(),
      SENDERS_FILE: z.string().min(1).optional(),
      DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
      DELIVERY_BASE_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(250),
      DELIVERY_MAX_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(8_000),
      EHR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
      /** `true` only in the local stack, which runs its own receivers: callbacks may go to loopback over http. */
      CALLBACK_ALLOW_LOOPBACK_HTTP: z.enum(['true', 'false']).default('false'),
    })
    .refine((env) => Boolean(env.SMART_PRIVATE_KEY_SECRET_ARN) !== Boolean(env.SMART_KEY_FILE), {
      message: 'set exactly one of SMART_PRIVATE_KEY_SECRET_ARN and SMART_KEY_FILE',
      path: ['SMART_PRIVATE_KEY_SECRET_ARN'],
    })
    .refine((env) => Boolean(env.SENDER_SECRETS_PREFIX) !== Boolean(env.SENDERS_FILE), {
      message: 'set exactly one of SENDER_SECRETS_PREFIX and SENDERS_FILE',
      path: ['SENDER_SECRETS_PREFIX'],
    }),
);
export type DeliverEnv = z.infer<typeof DeliverEnv>;

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
const IntegrityFields = {
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

/** Exactly one key and one anchor, each from the same environment. */
function checkIntegrity(env: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (Boolean(env.DIGEST_KEY_ARN) === Boolean(env.DIGEST_KEY_FILE)) {
    ctx.addIssue({
      code: 'custom',
      message: 'set exactly one of DIGEST_KEY_ARN and DIGEST_KEY_FILE',
      path: ['DIGEST_KEY_ARN'],
    });
  }
  if (Boolean(env.DIGEST_BUCKET) === Boolean(env.DIGEST_ANCHOR_DIR)) {
    ctx.addIssue({
      code: 'custom',
      message: 'set exactly one of DIGEST_BUCKET and DIGEST_ANCHOR_DIR',
      path: ['DIGEST_BUCKET'],
    });
  }
}

/** The digest function's settings: only what sealing needs (no note key, no secrets). */
export const DigestEnv = z
  .object({
    ...IntegrityFields,
    CELL_ID: JurisdictionId,
    TABLE_NAME: z.string().min(3),
    POLICY_FILE: z.string().min(1),
    DYNAMODB_ENDPOINT: Url.optional(),
    AWS_REGION: z.string().min(1),
    LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  })
  .superRefine(checkIntegrity);
export type DigestEnv = z.infer<typeof DigestEnv>;

/** The HIM API's settings. */
export const HimEnv = z.intersection(
  CellEnv,
  z
    .object({
      ...IntegrityFields,
      /** The digest function the API invokes to seal on demand (AWS; locally sealing runs in process). */
      DIGEST_FUNCTION_NAME: z.string().min(1).optional(),
      /** OIDC issuer of HIM tokens (`iss`). */
      HIM_ISSUER: Url,
      /** Expected `aud` (or Cognito access-token `client_id`). */
      HIM_AUDIENCE: z.string().min(1),
      HIM_JWKS_URL: Url,
      /** Claim holding the roles array. */
      HIM_ROLES_CLAIM: z.string().min(1).default('cognito:groups'),
      /** Comma-separated browser origins allowed to call the API (the HIM console's origin). */
      HIM_CORS_ORIGINS: z
        .string()
        .optional()
        .transform((raw) =>
          (raw ?? '')
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.url())),
      LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
    })
    .superRefine(checkIntegrity)
    .refine((env) => !env.DIGEST_KEY_ARN || Boolean(env.DIGEST_FUNCTION_NAME), {
      message: 'DIGEST_FUNCTION_NAME is required with DIGEST_KEY_ARN',
      path: ['DIGEST_FUNCTION_NAME'],
    }),
);
export type HimEnv = z.infer<typeof HimEnv>;
