import * as z from 'zod';
import { CELL_SECRETS, CellFields, checkSecretPairs, JsonVariable } from '../../shared/config/env.js';

/** The ingest function's settings. */
export const IngestEnv = z
  .object({
    ...CellFields,
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
    SMART_PUBLIC_JWKS: JsonVariable(
      z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
      'a JWKS JSON document {"keys": [...]}',
    ).optional(),
  })
  .superRefine(
    checkSecretPairs([
      ...CELL_SECRETS,
      ['SENDERS_FILE', 'SENDER_SECRETS_PREFIX'],
      ['FORWARD_SECRET_FILE', 'FORWARD_SECRET_ARN'],
    ]),
  );
export type IngestEnv = z.infer<typeof IngestEnv>;
