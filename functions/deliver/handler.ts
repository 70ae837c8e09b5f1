import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { buildDeliverHandler } from './deps.js';

const ready = buildDeliverHandler(process.env);

/** Lambda entry point: DynamoDB stream batches from the event source mapping (batch item failures on). */
export const handler = async (event: DynamoDBStreamEvent, context: Context) => (await ready)(event, context);
