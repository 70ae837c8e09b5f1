import type { Context } from 'aws-lambda';
import { buildHimHandler } from './deps.js';
import type { HimEvent } from './handler-factory.js';

const ready = buildHimHandler(process.env);

/** Lambda entry point: HTTP API v2 requests and the scheduled digest event. */
export const handler = async (event: HimEvent, context: Context) => (await ready)(event, context);
