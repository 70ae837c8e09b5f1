import { Logger } from '@aws-lambda-powertools/logger';
import { inProcessReports } from '../../shared/adapters/pdf/report-pdf.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import { DocumentsEnv } from './env.js';
import { type DocumentsHandler, makeDocumentsHandler } from './handler-factory.js';

/**
 * The documents function's composition root: pdf-lib in process and a logger.
 *
 * @throws at cold start for an invalid environment.
 */
export async function buildDocumentsHandler(raw: Env): Promise<DocumentsHandler> {
  const env = parseEnv(DocumentsEnv, raw);
  return makeDocumentsHandler({
    reports: inProcessReports,
    logger: new Logger({
      serviceName: 'visitbridge-documents',
      logLevel: env.LOG_LEVEL,
      persistentKeys: { cell: env.CELL_ID },
    }),
  });
}
