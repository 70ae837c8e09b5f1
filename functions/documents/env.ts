import * as z from 'zod';
import { BaseFields } from '../../shared/config/env.js';

/** The documents function's settings: only which cell it serves and how it logs (no table, no key). */
export const DocumentsEnv = z.object(BaseFields);
export type DocumentsEnv = z.infer<typeof DocumentsEnv>;
