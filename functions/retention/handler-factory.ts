import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { type RetentionDeps, type RetentionReport, runRetention } from '../../shared/domain/retention/run.js';

/**
 * What the function is invoked with: the EventBridge schedule sends
 * `{ "source": "visitbridge.retention" }`; the HIM API adds who asked (`him:<sub>`).
 */
export const RetentionEventSchema = z.strictObject({
  source: z.literal('visitbridge.retention'),
  requestedBy: z.templateLiteral(['him:', z.string().regex(/^\S{1,200}$/)]).optional(),
});
export type RetentionEvent = z.infer<typeof RetentionEventSchema>;

/** What the schedule sends. */
export const RETENTION_EVENT: RetentionEvent = { source: 'visitbridge.retention' };

export type RetentionHandler = (event: unknown, context: Context) => Promise<RetentionReport>;

/**
 * The retention function: one run of the cell's retention sweep (`runRetention`),
 * answered and logged as its PHI-free report. A failed run fails the invocation, so
 * the schedule's retries and dead-letter queue see it; the next run picks up what
 * this one left.
 *
 * @throws AppError('invalid-event') for an event of another shape;
 *   AppError('storage-unavailable') when the table or the audit log fails.
 */
export function makeRetentionHandler(deps: RetentionDeps & { logger: Logger }): RetentionHandler {
  const { logger } = deps;
  return middy<unknown, RetentionReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const event = RetentionEventSchema.safeParse(raw);
      if (!event.success) {
        logger.error('not a retention event', { outcome: 'invalid-event' });
        throw new AppError(
          'invalid-event',
          'expected {"source":"visitbridge.retention","requestedBy"?:"him:<user>"}',
        );
      }
      const report = await runRetention(deps, event.data.requestedBy ?? 'schedule');
      logger.info('retention run', {
        outcome: 'ok',
        classes: report.classes,
        skippedNotes: report.skippedNotes,
        indexedNotes: report.indexedNotes,
        notesRead: report.notesRead,
      });
      return report;
    });
}
