import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AppError } from '../../domain/errors.js';
import type { RetentionRunner } from '../../ports/retention-runner.js';

/**
 * Starts a run by invoking the cell's retention function asynchronously: a sweep may
 * outlast an API request, and only that function may delete from the table.
 */
export class LambdaRetentionRunner implements RetentionRunner {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async start(requestedBy: `him:${string}`): Promise<void> {
    try {
      await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify({ source: 'visitbridge.retention', requestedBy })),
        }),
      );
    } catch (error) {
      throw new AppError(
        'storage-unavailable',
        'invoking the retention function failed',
        {},
        { cause: error },
      );
    }
  }
}
