import * as z from 'zod';
import { BaseFields, checkSecretPairs, INTEGRITY_SECRETS, IntegrityFields } from '../../shared/config/env.js';

/** The digest function's settings: only what sealing needs (no note key, no secrets). */
export const DigestEnv = z
  .object({ ...BaseFields, ...IntegrityFields })
  .superRefine(checkSecretPairs(INTEGRITY_SECRETS));
export type DigestEnv = z.infer<typeof DigestEnv>;
