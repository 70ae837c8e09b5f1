import type { JWK } from 'jose';
import * as z from 'zod';
import { loadSmartKeys } from '../../functions/deliver/smart-keys.js';
import { FileSecretSource } from '../../shared/adapters/fs/file-secret-source.js';
import { publicJwks, type SigningAlg } from '../../shared/adapters/smart/signing-key.js';
import type { ResidencyPolicy } from '../../shared/domain/policy/model.js';
import { cellKeyFiles, type LocalCell } from './cells.js';
import { startSandboxEhr } from './ehr/index.js';
import type { SandboxEhr } from './ehr/types.js';

export interface EhrEndpoint {
  baseUrl: string;
  tokenUrl?: string;
}

/** `VISITBRIDGE_EHR_ENDPOINTS`: targets pointed at real FHIR servers instead of a sandbox. */
export const ExternalEhrs = z.record(
  z.string(),
  z.object({ baseUrl: z.url(), tokenUrl: z.url().optional() }),
);

export interface LocalEhrs {
  endpoints: Record<string, EhrEndpoint>;
  sandboxes: Map<string, SandboxEhr>;
  stop(): Promise<void>;
}

/**
 * One sandbox FHIR R4 EHR per EHR target of the policy (with the target's
 * behaviour profile), except targets the user pointed at a real server. Ports
 * follow the gateway's (PORT+1, PORT+2, …) so URLs stay the same across restarts.
 */
export async function startLocalEhrs(input: {
  policy: ResidencyPolicy;
  host: string;
  basePort: number;
  external: Record<string, EhrEndpoint>;
}): Promise<LocalEhrs> {
  const sandboxes = new Map<string, SandboxEhr>();
  const endpoints: Record<string, EhrEndpoint> = { ...input.external };
  try {
    for (const [i, target] of input.policy.ehrTargets.entries()) {
      if (endpoints[target.id]) continue;
      const ehr = await startSandboxEhr({
        profile: target.profile,
        name: target.id,
        host: input.host,
        port: input.basePort ? input.basePort + 1 + i : 0,
      });
      sandboxes.set(target.id, ehr);
      endpoints[target.id] = { baseUrl: ehr.baseUrl, tokenUrl: ehr.tokenUrl };
    }
  } catch (error) {
    await Promise.all([...sandboxes.values()].map((s) => s.stop()));
    throw error;
  }
  return {
    endpoints,
    sandboxes,
    stop: async () => void (await Promise.all([...sandboxes.values()].map((s) => s.stop()))),
  };
}

/**
 * Publishes each cell's SMART client public keys as its resources (the JWKS that
 * ingest serves at /.well-known/jwks.json; in AWS it comes from context), creating
 * the key file on first start as the delivery worker would.
 */
export async function publishSmartJwks(policy: ResidencyPolicy, cells: LocalCell[]): Promise<void> {
  const algs = new Set<SigningAlg>(policy.ehrTargets.flatMap((t) => (t.auth ? [t.auth.alg] : [])));
  for (const cell of cells) {
    const keys = await loadSmartKeys(algs, new FileSecretSource(), cellKeyFiles(cell).smartKeys);
    cell.resources.smartPublicJwks = publicJwks([...keys.values()]);
  }
}

/**
 * Registers every cell's SMART client public keys with each sandbox under the
 * target's client id, as an EHR administrator would register the bridge's JWKS.
 */
export function registerBridgeKeys(ehrs: LocalEhrs, policy: ResidencyPolicy, cells: LocalCell[]): void {
  const keys = cells.flatMap((cell) => (cell.resources.smartPublicJwks?.keys ?? []) as JWK[]);
  for (const target of policy.ehrTargets) {
    const sandbox = ehrs.sandboxes.get(target.id);
    if (sandbox && target.auth) sandbox.registerClient({ clientId: target.auth.clientId, jwks: { keys } });
  }
}
