import type { Context } from 'aws-lambda';
import { buildRetentionHandler } from './deps.js';

const ready = buildRetentionHandler(process.env);

/** Lambda entry point: the EventBridge schedule and the HIM API's synchronous invoke. */
export const handler = async (event: unknown, context: Context) => (await ready)(event, context);
