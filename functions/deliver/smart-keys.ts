import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import {
  importPem,
  loadOrCreateSigningKey,
  type SigningAlg,
  type SigningKey,
} from '../../shared/adapters/smart/signing-key.js';

/** The local key file of one algorithm: `<base>.<alg>.pem` beside the configured path. */
export const smartKeyFile = (base: string, alg: SigningAlg): string =>
  `${base.replace(/\.pem$/, '')}.${alg.toLowerCase()}.pem`;

const SecretKeys = z.object({ ES384: z.string().optional(), RS384: z.string().optional() });

/**
 * The bridge's SMART client keys, one per algorithm its EHR targets use: key files
 * created on first start locally, a Secrets Manager secret in AWS holding
 * `{"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}`.
 *
 * @throws when the secret lacks a key for an algorithm a target needs.
 */
export async function loadSmartKeys(
  algs: ReadonlySet<SigningAlg>,
  source: { file?: string; secretArn?: string },
  sm: () => SecretsManagerClient,
): Promise<Map<SigningAlg, SigningKey>> {
  const keys = new Map<SigningAlg, SigningKey>();
  if (source.file) {
    for (const alg of algs) keys.set(alg, await loadOrCreateSigningKey(smartKeyFile(source.file, alg), alg));
    return keys;
  }
  const out = await sm().send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  const pems = SecretKeys.parse(JSON.parse(out.SecretString ?? '{}'));
  for (const alg of algs) {
    const pem = pems[alg];
    if (!pem) throw new Error(`the SMART key secret holds no ${alg} key`);
    keys.set(alg, await importPem(pem, alg));
  }
  return keys;
}
