import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../shared/http/apigw.js';
import { buildHimHandler } from './deps.js';

const ready = buildHimHandler(process.env);

/** Lambda entry point: HTTP API v2 requests. */
export const handler = async (event: HttpEvent, context: Context) => (await ready)(event, context);
