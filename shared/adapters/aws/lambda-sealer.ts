import type { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { AppError } from '../../domain/errors.js';
import { SEALED_CHAINS, type SealedChainName, SealedHeadSchema } from '../../domain/seal/digest.js';
import type { Sealer, SealSummary } from '../../ports/sealer.js';
import { invokeFunction } from './invoke-function.js';

const SummarySchema = z.object({
  chain: z.enum(SEALED_CHAINS),
  cell: z.string(),
  seq: z.int().min(1),
  at: z.string(),
  keyId: z.string(),
  shards: z.array(SealedHeadSchema),
  newlySealed: z.int().min(0),
});
const FailureSchema = z.object({
  chain: z.enum(SEALED_CHAINS),
  error: z.object({ code: z.string(), detail: z.string() }),
});
const ResponseSchema = z.object({ results: z.array(z.union([SummarySchema, FailureSchema])) });

/**
 * Seals on demand by invoking the cell's digest function (synchronously), the only
 * holder of `kms:Sign` and `s3:PutObject` on the digest bucket: the HIM API needs
 * neither.
 *
 * @example
 * const sealer = new LambdaSealer(new LambdaClient({ region }), env.DIGEST_FUNCTION_NAME);
 */
export class LambdaSealer implements Sealer {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  /**
   * @throws AppError('seal-refused') with the digest function's detail when the chain
   *   fails its integrity check; AppError('storage-unavailable') when the invocation fails,
   *   the function fails, or it answers anything but a summary of this chain.
   */
  async seal(chain: SealedChainName): Promise<SealSummary> {
    const answer = await invokeFunction(
      this.lambda,
      this.functionName,
      {
        source: 'visitbridge.digest',
        chains: [chain],
      },
      'the digest function',
    );
    const result = ResponseSchema.safeParse(answer).data?.results.find((r) => r.chain === chain);
    if (!result) throw new AppError('storage-unavailable', `the digest function returned no ${chain} result`);
    if ('error' in result) {
      if (result.error.code === 'seal-refused') throw new AppError('seal-refused', result.error.detail);
      throw new AppError(
        'storage-unavailable',
        `the digest function could not seal the ${chain} (${result.error.code})`,
      );
    }
    return result;
  }
}
