import * as z from 'zod';
import {
  CELL_SECRETS,
  CellFields,
  checkSecretPairs,
  INTEGRITY_SECRETS,
  IntegrityFields,
  Url,
} from '../../shared/config/env.js';

/** The HIM API's settings. */
export const HimEnv = z
  .object({
    ...CellFields,
    ...IntegrityFields,
    /** The digest function the API invokes to seal on demand (AWS; locally sealing runs in process). */
    DIGEST_FUNCTION_NAME: z.string().min(1).optional(),
    /** The documents function the API invokes to render PDFs (AWS; locally pdf-lib runs in process). */
    DOCUMENTS_FUNCTION_NAME: z.string().min(1).optional(),
    /** The retention function the API starts on request (AWS; locally the sweep runs in process). */
    RETENTION_FUNCTION_NAME: z.string().min(1).optional(),
    /** The cdk-nag report of the synth that built the deployment, beside the handler (AWS; locally the stack makes one). */
    NAG_REPORT_FILE: z.string().min(1).optional(),
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
  })
  .superRefine(checkSecretPairs([...CELL_SECRETS, ...INTEGRITY_SECRETS]))
  .refine((env) => !env.DIGEST_KEY_ARN || Boolean(env.DIGEST_FUNCTION_NAME), {
    message: 'DIGEST_FUNCTION_NAME is required with DIGEST_KEY_ARN',
    path: ['DIGEST_FUNCTION_NAME'],
  })
  .refine((env) => !env.DIGEST_KEY_ARN || Boolean(env.DOCUMENTS_FUNCTION_NAME), {
    message: 'DOCUMENTS_FUNCTION_NAME is required with DIGEST_KEY_ARN',
    path: ['DOCUMENTS_FUNCTION_NAME'],
  })
  .refine((env) => !env.DIGEST_KEY_ARN || Boolean(env.RETENTION_FUNCTION_NAME), {
    message: 'RETENTION_FUNCTION_NAME is required in AWS (with DIGEST_KEY_ARN)',
    path: ['RETENTION_FUNCTION_NAME'],
  })
  .refine((env) => !env.DIGEST_KEY_ARN || Boolean(env.NAG_REPORT_FILE), {
    message: 'NAG_REPORT_FILE is required in AWS (with DIGEST_KEY_ARN)',
    path: ['NAG_REPORT_FILE'],
  });
export type HimEnv = z.infer<typeof HimEnv>;
