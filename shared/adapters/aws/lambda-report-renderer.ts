import type { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { AppError } from '../../domain/errors.js';
import type { ReportDocument, ReportRenderer } from '../../ports/report-renderer.js';
import { invokeFunction } from './invoke-function.js';

const ResponseSchema = z.object({ pdf: z.base64().min(1) });

/**
 * Renders reports in AWS by asking the cell's documents function, which bundles
 * pdf-lib (the HIM API's bundle has no room for it).
 *
 * @example
 * const reports = new LambdaReportRenderer(new LambdaClient({ region }), env.DOCUMENTS_FUNCTION_NAME);
 */
export class LambdaReportRenderer implements ReportRenderer {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  /** @throws AppError('storage-unavailable') when the invocation fails or answers no PDF. */
  async render(doc: ReportDocument): Promise<Uint8Array> {
    const answer = await invokeFunction(
      this.lambda,
      this.functionName,
      { source: 'visitbridge.documents', render: doc },
      'the documents function',
    );
    const parsed = ResponseSchema.safeParse(answer);
    if (!parsed.success) throw new AppError('storage-unavailable', 'the documents function returned no PDF');
    return new Uint8Array(Buffer.from(parsed.data.pdf, 'base64'));
  }
}
