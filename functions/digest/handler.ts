import type { Context } from 'aws-lambda';
import { buildDigestHandler } from './deps.js';

const ready = buildDigestHandler(process.env);

/** Lambda entry point: the EventBridge schedule and the HIM API's synchronous invoke. */
export const handler = async (event: unknown, context: Context) => (await ready)(event, context);
