import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../../shared/domain/errors.js';
import { CELL_ID_PATTERN } from '../../shared/domain/policy/model.js';
import {
  type HttpEvent,
  type HttpResult,
  header,
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
import { FORWARDED_FROM_HEADER } from './forward-client.js';
import { type IngestStage, type StageTimer, timed, timedIngestDeps, timedMiddleware } from './stage-timer.js';

export interface IngestHandlerDeps {
  ingest: IngestDeps;
  senders: SenderRegistry;
  logger: Logger;
  maxBodyBytes: number;
  /** The route other cells forward notes to: its own signer registry and use-case deps (which never forward). */
  forwarded: { senders: SenderRegistry; ingest: IngestDeps };
  /** Public keys of the cell's SMART client, served for EHRs that register the bridge by JWKS URL. */
  smartJwks?: { keys: unknown[] };
  /** Benchmark only: times each stage of the webhook routes. Absent in production: nothing is timed. */
  stageTimer?: StageTimer;
}

export const WEBHOOK_ROUTE = 'POST /v1/webhooks/{senderId}';
export const STATUS_ROUTE = 'GET /v1/senders/{senderId}/notes/{noteId}/versions/{version}/delivery';
/** Cell-to-cell: a note another cell forwarded here, signed with the forwarding secret. */
export const FORWARDED_ROUTE = 'POST /v1/forwarded/{senderId}';

/** Every route the ingest function serves (the HTTP API and the local runtime route these to it). */
export const JWKS_ROUTE = 'GET /.well-known/jwks.json';
export const INGEST_ROUTES = [WEBHOOK_ROUTE, STATUS_ROUTE, FORWARDED_ROUTE, JWKS_ROUTE] as const;

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The ingest function: the webhook route and the forwarded route (signature
 * checked on the raw body first, with the sender's or the forwarding secret)
 * and the sender's delivery-status route. Tests pass fakes; deps.ts wires production.
 */
export function makeIngestHandler(deps: IngestHandlerDeps): HttpHandler {
  const { logger, stageTimer } = deps;
  const stage: <T>(name: IngestStage, run: () => T) => T = stageTimer
    ? (name, run) => timed(stageTimer, name, run)
    : (_, run) => run();
  const webhookRoute = (senders: SenderRegistry, useCase: IngestDeps, isForwarded: boolean) => {
    const ingest = stageTimer ? timedIngestDeps(useCase, stageTimer) : useCase;
    const loggerContext = injectLambdaContext(logger, { resetKeys: true });
    const verify = verifyStandardWebhook({ senders, maxBodyBytes: deps.maxBodyBytes });
    const route = middy<HttpEvent, HttpResult, Error, WebhookContext>()
      .use(stageTimer ? timedMiddleware(stageTimer, 'logger context', loggerContext) : loggerContext)
      .use(problemResponses({ logger }))
      .use(stageTimer ? timedMiddleware(stageTimer, 'signature', verify) : verify)
      .handler(async (event, context) => {
        const verified = context.webhook;
        if (!verified) throw new AppError('internal', 'webhook verification did not run');
        const forwardedFrom = isForwarded ? header(event, FORWARDED_FROM_HEADER) : undefined;
        stage('logging', () =>
          logger.appendKeys({
            senderId: verified.sender.id,
            webhookId: verified.webhookId,
            ...(forwardedFrom && CELL_ID_PATTERN.test(forwardedFrom) ? { forwardedFrom } : {}),
          }),
        );
        const result = await stage('use case', () => acceptNote(ingest, verified));
        stage('logging', () =>
          logger.info('note received', {
            noteId: result.receipt.noteId,
            version: result.receipt.version,
            cell: result.receipt.cell,
            status: result.status,
          }),
        );
        const location = result.receipt.deliveryStatusUrl;
        return jsonResult(result.status, result.receipt, { location });
      });
    return stageTimer
      ? (event: HttpEvent, context: Context) => timed(stageTimer, 'handler', () => route(event, context))
      : route;
  };
  const webhook = webhookRoute(deps.senders, deps.ingest, false);
  const forwarded = webhookRoute(deps.forwarded.senders, deps.forwarded.ingest, true);

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
    if (event.routeKey === FORWARDED_ROUTE) return forwarded(event, context);
    if (event.routeKey === JWKS_ROUTE && deps.smartJwks) {
      return jsonResult(200, deps.smartJwks, { 'cache-control': 'public, max-age=300' });
    }
    return notFound(event);
  };
}

function notFound(event: HttpEvent): HttpResult {
  return problemResult(toProblem(new AppError('not-found', `no route ${event.routeKey}`)));
}
