import { DigestKeyDocumentSigner } from '../../shared/adapters/crypto/document-signer.js';
import { integrityAdapters } from '../../shared/adapters/integrity.js';
import { type Env, parseEnv } from '../../shared/config/env.js';
import { buildCellCore } from '../cell-core.js';
import { DigestEnv } from './env.js';
import { type DigestHandler, makeDigestHandler } from './handler-factory.js';

/**
 * The digest function's composition root: the cell's core (its ledger and audit
 * log), the digest signer (KMS key in AWS, key file locally) and the anchor
 * (Object Lock bucket in AWS, append-only folder locally). Lambda calls it with
 * process.env; the local runtime with the function's settings.
 *
 * @throws at cold start for an invalid environment, policy or unknown cell.
 */
export async function buildDigestHandler(raw: Env): Promise<DigestHandler> {
  const env = parseEnv(DigestEnv, raw);
  const cell = buildCellCore(env, 'digest');
  const { signer, anchor } = await integrityAdapters(env, cell.cell, cell.region);
  return makeDigestHandler({
    cell: cell.cell,
    chains: { ledger: cell.ledger, audit: cell.audit },
    signer,
    documents: new DigestKeyDocumentSigner(signer),
    anchor,
    clock: cell.clock,
    logger: cell.logger,
  });
}
