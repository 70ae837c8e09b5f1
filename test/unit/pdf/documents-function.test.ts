import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDocumentsHandler } from '../../../functions/documents/deps.js';
import { localContext } from '../../../infra/local/api-gateway.js';
import { LambdaReportRenderer } from '../../../shared/adapters/aws/lambda-report-renderer.js';
import type { ReportDocument } from '../../../shared/ports/report-renderer.js';
import { pdfText } from '../../helpers/pdf-text.js';

const doc: ReportDocument = {
  title: 'Evidence pack: cell uk',
  generatedAt: '2026-11-30T12:00:00.000Z',
  sections: [{ heading: 'Keys', table: { columns: ['key', 'id'], rows: [['digest', 'local:abc']] } }],
};
const ENV = {
  CELL_ID: 'uk',
  TABLE_NAME: 'visitbridge-uk',
  POLICY_FILE: 'policy.json',
  AWS_REGION: 'eu-west-2',
  LOG_LEVEL: 'SILENT',
};
const lambda = mockClient(LambdaClient);

describe('the documents function', () => {
  it('renders the report it is sent as a PDF, base64', async () => {
    // Prepare
    const handler = await buildDocumentsHandler(ENV);
    // Act
    const { pdf } = await handler(
      { source: 'visitbridge.documents', render: doc },
      localContext('documents'),
    );
    // Assess
    expect(await pdfText(Buffer.from(pdf, 'base64'))).toContain('Evidence pack: cell uk');
  });

  it('refuses an event of another shape', async () => {
    // Prepare
    const handler = await buildDocumentsHandler(ENV);
    // Act
    const error = await handler(
      { source: 'visitbridge.documents', render: { title: 1 } },
      localContext('documents'),
    ).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'invalid-event' });
  });
});

describe('LambdaReportRenderer', () => {
  beforeEach(() => lambda.reset());

  it('asks the documents function to render and returns the PDF bytes', async () => {
    // Prepare
    const payload = new TextEncoder().encode(
      JSON.stringify({ pdf: Buffer.from('%PDF-1.7').toString('base64') }),
    );
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: payload as InvokeCommandOutput['Payload'] });
    // Act
    const pdf = await new LambdaReportRenderer(new LambdaClient({}), 'visitbridge-uk-documents').render(doc);
    // Assess
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7');
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('visitbridge-uk-documents');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      source: 'visitbridge.documents',
      render: doc,
    });
  });

  it('answers storage-unavailable when the function answers no PDF', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled' });
    // Act
    const error = await new LambdaReportRenderer(new LambdaClient({}), 'f')
      .render(doc)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable' });
  });
});
