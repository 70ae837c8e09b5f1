import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../../shared/domain/errors.js';
import {
  type HttpEvent,
  type HttpResult,
  jsonResult,
  pathParam,
  problemResult,
} from '../../shared/http/apigw.js';
import { problemResponses } from '../../shared/http/middleware/problem-responses.js';
import { verifyStandardWebhook, type WebhookContext } from '../../shared/http/middleware/verify-webhook.js';
import { toProblem } from '../../shared/http/problem.js';
import type { SenderRegistry } from '../../shared/ports/sender-registry.js';
import { acceptNote, type IngestDeps } from './accept-note.js';
import { isValidStatusSignature } from './delivery-status.js';

export interface IngestHandlerDeps {
  ingest: IngestDeps;
  senders: SenderRegistry;
  logger: Logger;
  maxBodyBytes: number;
}

export const WEBHOOK_ROUTE = 'POST /v1/webhooks/{senderId}';
export const STATUS_ROUTE = 'GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery';

/** Every route the ingest function serves (the HTTP API and the local runtime route these to it). */
export const INGEST_ROUTES = [WEBHOOK_ROUTE, STATUS_ROUTE] as const;

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The ingest function: the webhook route (signature checked on the raw body
 * first) and the sender's delivery-status route. Tests pass fakes; deps.ts wires production.
 */
export function makeIngestHandler(deps: IngestHandlerDeps): HttpHandler {
  const { logger } = deps;
  const webhook = middy<HttpEvent, HttpResult, Error, WebhookContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses({ logger }))
    .use(verifyStandardWebhook({ senders: deps.senders, maxBodyBytes: deps.maxBodyBytes }))
    .handler(async (_event, context) => {
      const verified = context.webhook;
      if (!verified) throw new AppError('internal', 'webhook verification did not run');
      logger.appendKeys({ senderId: verified.sender.id, webhookId: verified.webhookId });
      const result = await acceptNote(deps.ingest, verified);
      logger.info('note received', {
        noteId: result.receipt.noteId,
        version: result.receipt.version,
        cell: result.receipt.cell,
        status: result.status,
      });
      const location = result.receipt.deliveryStatusUrl;
      return jsonResult(result.status, result.receipt, { location });
    });

  const status = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemResponses({ logger }))
    .handler(async (event) => {
      const ids = {
        senderId: pathParam(event, 'senderId'),
        noteId: pathParam(event, 'noteId'),
        version: Number(pathParam(event, 'version')),
      };
      if (!isValidStatusSignature(deps.ingest.pseudonymizer, event.queryStringParameters?.sig, ids)) {
        throw new AppError(
          'not-found',
          'no delivery status at this address; use the deliveryStatusUrl of your receipt',
        );
      }
      const found = await deps.ingest.store.deliveryStatus(ids.senderId, ids.noteId, ids.version);
      if (!found) throw new AppError('not-found', 'no such note version in this cell');
      return jsonResult(200, found);
    });

  return async (event, context) => {
    if (event.routeKey === WEBHOOK_ROUTE) return webhook(event, context);
    if (event.routeKey === STATUS_ROUTE) return status(event, context);
    return notFound(event);
  };
}

function notFound(event: HttpEvent): HttpResult {
  return problemResult(toProblem(new AppError('not-found', `no route ${event.routeKey}`)));
}
