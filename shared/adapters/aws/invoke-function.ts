import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { AppError } from '../../domain/errors.js';

/**
 * Invokes another function of the cell synchronously with `event` and returns its
 * answer parsed as JSON, or undefined when it is not JSON: how the HIM API reaches
 * the digest function (the only holder of `kms:Sign`) and the documents function.
 *
 * @param what names the function in errors, e.g. `the digest function`.
 * @throws AppError('storage-unavailable') when the invocation or the function fails.
 */
export async function invokeFunction(
  lambda: LambdaClient,
  functionName: string,
  event: unknown,
  what: string,
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
    throw new AppError('storage-unavailable', `invoking ${what} failed`, {}, { cause: error });
  }
  if (functionError) throw new AppError('storage-unavailable', `${what} failed (${functionError})`);
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
}
