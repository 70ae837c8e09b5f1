import type { SealedChainName } from '../../../shared/domain/seal/digest.js';
import { type SealReport, verifySealed } from '../../../shared/domain/seal/verify-sealed.js';
import type { AnchoredObject } from '../../../shared/ports/digest-anchor.js';
import type { SealableChain } from '../../../shared/ports/sealable-chain.js';
import type { SealSummary } from '../../../shared/ports/sealer.js';
import type { HimDeps } from './context.js';

const chainOf = (deps: HimDeps, chain: SealedChainName): SealableChain =>
  chain === 'ledger' ? deps.ledger : deps.audit;

/**
 * Verifies the ledger or the audit log against its digest chain: every digest from
 * the anchor, every record of the table, fail closed (see `verifySealed`).
 *
 * @throws AppError('storage-unavailable') when the table, the anchor or the key service fails.
 */
export async function verifyIntegrity(deps: HimDeps, chain: SealedChainName): Promise<SealReport> {
  const store = chainOf(deps, chain);
  const [objects, inventory, key] = await Promise.all([
    deps.integrity.anchor.list(chain),
    store.inventory(),
    deps.integrity.publicKey(),
  ]);
  return verifySealed({
    chain,
    cell: deps.cell,
    shardCount: store.shardCount,
    objects,
    publicKeyPem: key.publicKeyPem,
    inventory,
    now: deps.clock.now(),
    intervalMs: deps.integrity.intervalMs,
  });
}

/**
 * Seals the chain now (a new signed digest).
 *
 * @throws AppError('seal-refused') when the chain fails its integrity check.
 */
export const sealNow = (deps: HimDeps, chain: SealedChainName): Promise<SealSummary> =>
  deps.integrity.sealer.seal(chain);

/** The digest chain exactly as the anchor holds it, for offline verification. */
export async function listDigests(
  deps: HimDeps,
  chain: SealedChainName,
): Promise<{ objects: AnchoredObject[] }> {
  return { objects: await deps.integrity.anchor.list(chain) };
}
