import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import type { ReportRenderer } from '../../shared/ports/report-renderer.js';

const Text = z.string().max(10_000);

/** A `ReportDocument` as the HIM API sends it. */
export const ReportDocumentSchema = z.strictObject({
  title: Text,
  subtitle: Text.optional(),
  generatedAt: z.string().max(64),
  sections: z.array(
    z.strictObject({
      heading: Text,
      paragraphs: z.array(Text).optional(),
      table: z.strictObject({ columns: z.array(Text), rows: z.array(z.array(Text)) }).optional(),
      chart: z
        .strictObject({
          title: Text,
          labels: z.array(Text),
          series: z.array(z.strictObject({ name: Text, values: z.array(z.number()) })),
        })
        .optional(),
    }),
  ),
});

/** What the HIM API invokes the function with: render one report. */
export const RenderEventSchema = z.strictObject({
  source: z.literal('visitbridge.documents'),
  render: ReportDocumentSchema,
});

/** Lambda answers at most 6 MB: the PDF's base64 must fit. */
const MAX_PDF_BASE64 = 5_500_000;

export interface RenderResponse {
  /** The PDF, base64. */
  pdf: string;
}

export type DocumentsHandler = (event: unknown, context: Context) => Promise<RenderResponse>;

export interface DocumentsDeps {
  reports: ReportRenderer;
  logger: Logger;
}

/**
 * The documents function: renders a report the HIM API sends as a PDF. It exists
 * because pdf-lib would take the HIM API's bundle past its size budget; it holds no
 * grant on the cell's data, keys or table, and sees only PHI-free reports.
 *
 * @throws AppError('invalid-event') for an event of another shape;
 *   AppError('export-too-large') when the PDF would not fit Lambda's answer.
 */
export function makeDocumentsHandler(deps: DocumentsDeps): DocumentsHandler {
  const { logger } = deps;
  return middy<unknown, RenderResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const event = RenderEventSchema.safeParse(raw);
      if (!event.success) {
        logger.error('not a render event', { outcome: 'invalid-event' });
        throw new AppError('invalid-event', 'expected {"source":"visitbridge.documents","render":{…report}}');
      }
      const pdf = Buffer.from(await deps.reports.render(event.data.render)).toString('base64');
      if (pdf.length > MAX_PDF_BASE64) throw new AppError('export-too-large', 'the PDF exceeds one answer');
      logger.info('report rendered', { outcome: 'rendered', bytes: pdf.length });
      return { pdf };
    });
}
