import * as z from 'zod';
import { BaseFields } from '../../shared/config/env.js';

/** The retention function's settings: its cell's table and policy, nothing else (no keys, no secrets). */
export const RetentionEnv = z.object({ ...BaseFields });
export type RetentionEnv = z.infer<typeof RetentionEnv>;
