import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AppError } from '../../domain/errors.js';

/**
 * Invokes the cell's digest function synchronously with `event` and returns its
 * answer parsed as JSON, or undefined when it is not JSON. The digest function is the
 * only holder of `kms:Sign`, so sealing and document signing from the HIM API go here.
 *
 * @throws AppError('storage-unavailable') when the invocation or the function fails.
 */
export async function invokeDigestFunction(
  lambda: LambdaClient,
  functionName: string,
  event: unknown,
): Promise<unknown> {
  let payload: Uint8Array | undefined;
  let functionError: string | undefined;
  try {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    payload = out.Payload;
    functionError = out.FunctionError;
  } catch (error) {
    throw new AppError('storage-unavailable', 'invoking the digest function failed', {}, { cause: error });
  }
  if (functionError)
    throw new AppError('storage-unavailable', `the digest function failed (${functionError})`);
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
}
