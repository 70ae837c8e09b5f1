import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { isAppError } from '../../domain/errors.js';
import { type HttpEvent, type HttpResult, problemResult } from '../apigw.js';
import { toProblem } from '../problem.js';

/**
 * Maps any error to an RFC 9457 problem response. Logs the code and ids only:
 * never the event, the body or the error's data (they may hold PHI).
 */
export function problemResponses(options: { logger: Logger }): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const problem = toProblem(error, request.event.requestContext?.requestId);
      if (problem.status >= 500) {
        options.logger.error('request failed', {
          code: isAppError(error) ? error.code : 'internal',
          errorName: error instanceof Error ? error.name : typeof error,
          causeName: error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined,
        });
      } else {
        options.logger.info('request refused', {
          code: isAppError(error) ? error.code : 'internal',
          status: problem.status,
        });
      }
      request.response = problemResult(problem);
    },
  };
}
