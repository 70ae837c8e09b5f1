import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { AppError, type ErrorCode, isAppError } from '../../shared/domain/errors.js';
import { SEALED_CHAINS, type SealedChainName } from '../../shared/domain/seal/digest.js';
import { sealChain } from '../../shared/domain/seal/seal.js';
import { SIGNED_DOCUMENT_KINDS } from '../../shared/domain/seal/signed-document.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { DigestAnchor } from '../../shared/ports/digest-anchor.js';
import type { DigestSignature, DigestSigner } from '../../shared/ports/digest-signer.js';
import type { DocumentSigner } from '../../shared/ports/document-signer.js';
import type { SealableChain } from '../../shared/ports/sealable-chain.js';
import type { SealSummary } from '../../shared/ports/sealer.js';

/**
 * What the function is invoked with: the EventBridge schedule sends
 * `{ "source": "visitbridge.digest" }` (every chain); the HIM API names the chains.
 */
export const DigestEventSchema = z.strictObject({
  source: z.literal('visitbridge.digest'),
  chains: z
    .array(z.enum(SEALED_CHAINS))
    .min(1)
    .refine((chains) => new Set(chains).size === chains.length, 'chains must not repeat')
    .optional(),
});
export type DigestEvent = z.infer<typeof DigestEventSchema>;

/** What the schedule sends: seal every chain. */
export const DIGEST_EVENT: DigestEvent = { source: 'visitbridge.digest' };

/** Lambda's synchronous payload limit is 6 MB; a document's base64 must leave room for the envelope. */
const MAX_DOCUMENT_BASE64 = 4_000_000;

/**
 * The HIM API asks for a document signature (an evidence manifest, an erasure
 * certificate): the bytes as base64. Only this function holds `kms:Sign`.
 */
export const SignEventSchema = z.strictObject({
  source: z.literal('visitbridge.digest'),
  sign: z.strictObject({
    kind: z.enum(SIGNED_DOCUMENT_KINDS),
    bytes: z.base64().max(MAX_DOCUMENT_BASE64),
  }),
});
export type SignEvent = z.infer<typeof SignEventSchema>;
export interface SignResponse {
  signature: DigestSignature;
}

/** A chain that was not sealed; `seal-refused` when it failed its integrity check. */
export interface SealFailure {
  chain: SealedChainName;
  error: { code: ErrorCode; detail: string };
}

export interface DigestResponse {
  results: Array<SealSummary | SealFailure>;
}

export type DigestHandler = (event: unknown, context: Context) => Promise<DigestResponse | SignResponse>;

export interface DigestDeps {
  cell: string;
  /** The chain families of the cell, by name. */
  chains: Record<SealedChainName, SealableChain>;
  signer: DigestSigner;
  /** Signs documents with the same key, apart from digests (`documentSigningBytes`). */
  documents: DocumentSigner;
  anchor: DigestAnchor;
  clock: Clock;
  logger: Logger;
}

/**
 * The digest function: seals each requested chain (all by default) with `sealChain`,
 * one after the other, and answers what each digest sealed. A chain that fails its
 * integrity check is reported, not sealed, and logged as
 * `"outcome":"ledger-verification-failed"` (a metric filter alarms on it). When a chain
 * could not be sealed for any other reason (KMS, S3, DynamoDB), the invocation fails
 * after trying every chain, so the schedule's retries and dead-letter queue see it.
 *
 * A sign event (`{"source":"visitbridge.digest","sign":{kind,bytes}}`) is answered with
 * the document's signature; nothing is sealed.
 *
 * @throws AppError('invalid-event') for an event of another shape;
 *   AppError('storage-unavailable') when a chain could not be sealed or refused, or a document not signed.
 */
export function makeDigestHandler(deps: DigestDeps): DigestHandler {
  const { logger } = deps;
  return middy<unknown, DigestResponse | SignResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (raw) => {
      const sign = SignEventSchema.safeParse(raw);
      if (sign.success) {
        const { kind, bytes } = sign.data.sign;
        const signature = await deps.documents.sign(kind, Buffer.from(bytes, 'base64'));
        logger.info('document signed', { outcome: 'signed', kind });
        return { signature };
      }
      const event = DigestEventSchema.safeParse(raw);
      if (!event.success) {
        logger.error('not a digest event', { outcome: 'invalid-event' });
        throw new AppError(
          'invalid-event',
          'expected {"source":"visitbridge.digest","chains"?:["ledger"|"audit"]} or {"source":"visitbridge.digest","sign":{"kind","bytes"}}',
        );
      }
      const results: DigestResponse['results'] = [];
      for (const chain of event.data.chains ?? SEALED_CHAINS) results.push(await sealOne(deps, chain));
      const failed = results.flatMap((r) =>
        'error' in r && r.error.code !== 'seal-refused' ? [r.chain] : [],
      );
      if (failed.length > 0) {
        throw new AppError(
          'storage-unavailable',
          `could not seal the ${failed.join(' and ')} of cell ${deps.cell}`,
        );
      }
      return { results };
    });
}

async function sealOne(deps: DigestDeps, name: SealedChainName): Promise<SealSummary | SealFailure> {
  const { logger } = deps;
  try {
    const { digest, newlySealed } = await sealChain({
      chain: deps.chains[name],
      signer: deps.signer,
      anchor: deps.anchor,
      clock: deps.clock,
    });
    logger.info('chain sealed', {
      outcome: 'sealed',
      chain: name,
      seq: digest.seq,
      shards: digest.shardCount,
      newlySealed,
    });
    const { cell, seq, at, keyId, shards } = digest;
    return { chain: name, cell, seq, at, keyId, shards, newlySealed };
  } catch (error) {
    const code: ErrorCode = isAppError(error) ? error.code : 'internal';
    if (code === 'seal-refused') {
      const detail = (error as AppError).detail;
      logger.error('chain failed its integrity check: not sealed', {
        outcome: 'ledger-verification-failed',
        chain: name,
        detail,
      });
      return { chain: name, error: { code, detail } };
    }
    logger.error('chain not sealed', {
      outcome: 'seal-failed',
      chain: name,
      code,
      errorName: error instanceof Error ? error.name : typeof error,
      causeName: error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined,
    });
    return { chain: name, error: { code, detail: `the ${name} could not be sealed` } };
  }
}
