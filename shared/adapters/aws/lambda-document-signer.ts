import type { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { AppError } from '../../domain/errors.js';
import type { DigestSignature } from '../../ports/digest-signer.js';
import type { DocumentSigner, SignedDocumentKind } from '../../ports/document-signer.js';
import { invokeFunction } from './invoke-function.js';

const ResponseSchema = z.object({
  signature: z.object({
    alg: z.literal('ECDSA_SHA_256'),
    keyId: z.string().min(1),
    signature: z.base64().min(1),
  }),
});

/**
 * Signs documents in AWS by asking the cell's digest function (the only holder of
 * `kms:Sign`); the public key comes from the caller's own reader of the digest key
 * (`kms:GetPublicKey`), the key auditors already hold for the digest chain.
 *
 * @example
 * const documents = new LambdaDocumentSigner(new LambdaClient({ region }), env.DIGEST_FUNCTION_NAME, () => signer.publicKeyPem());
 */
export class LambdaDocumentSigner implements DocumentSigner {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
    readonly publicKeyPem: () => Promise<string>,
  ) {}

  /** @throws AppError('storage-unavailable') when the invocation fails or answers no signature. */
  async sign(kind: SignedDocumentKind, bytes: Uint8Array): Promise<DigestSignature> {
    const answer = await invokeFunction(
      this.lambda,
      this.functionName,
      {
        source: 'visitbridge.digest',
        sign: { kind, bytes: Buffer.from(bytes).toString('base64') },
      },
      'the digest function',
    );
    const parsed = ResponseSchema.safeParse(answer);
    if (!parsed.success)
      throw new AppError('storage-unavailable', 'the digest function returned no signature');
    return parsed.data.signature;
  }
}
