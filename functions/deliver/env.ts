import * as z from 'zod';
import { CELL_SECRETS, CellFields, checkSecretPairs, JsonVariable, Url } from '../../shared/config/env.js';

/** The delivery worker's settings. */
export const DeliverEnv = z
  .object({
    ...CellFields,
    /** Secret holding the SMART client's private keys as `{"ES384": "<PKCS8 PEM>", ...}` (AWS). Exactly one of these two. */
    SMART_PRIVATE_KEY_SECRET_ARN: z.string().startsWith('arn:aws').optional(),
    /** The same JSON in a file, created on first start (local runtime). */
    SMART_KEY_FILE: z.string().min(1).optional(),
    /** Per-target endpoint overrides; targets without one use the policy's `baseUrl`. */
    EHR_ENDPOINTS: JsonVariable(
      z.record(z.string(), z.object({ baseUrl: Url, tokenUrl: Url.optional() })),
      'a JSON object of EHR target id to {"baseUrl", "tokenUrl"}',
    ).optional(),
    SENDER_SECRETS_PREFIX: z.string().min(1).optional(),
    SENDERS_FILE: z.string().min(1).optional(),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    DELIVERY_BASE_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(250),
    DELIVERY_MAX_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(8_000),
    EHR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** `true` only in the local stack, which runs its own receivers: callbacks may go to loopback over http. */
    CALLBACK_ALLOW_LOOPBACK_HTTP: z.enum(['true', 'false']).default('false'),
  })
  .superRefine(
    checkSecretPairs([
      ...CELL_SECRETS,
      ['SMART_KEY_FILE', 'SMART_PRIVATE_KEY_SECRET_ARN'],
      ['SENDERS_FILE', 'SENDER_SECRETS_PREFIX'],
    ]),
  );
export type DeliverEnv = z.infer<typeof DeliverEnv>;
