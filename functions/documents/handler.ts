import type { Context } from 'aws-lambda';
import { buildDocumentsHandler } from './deps.js';

const ready = buildDocumentsHandler(process.env);

/** Lambda entry point: the HIM API's synchronous invoke to render a report. */
export const handler = async (event: unknown, context: Context) => (await ready)(event, context);
