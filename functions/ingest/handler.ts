import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../shared/http/apigw.js';
import { buildIngestHandler } from './deps.js';

const ready = buildIngestHandler(process.env);

/** Lambda entry point (HTTP API v2 payload). */
export const handler = async (event: HttpEvent, context: Context) => (await ready)(event, context);
