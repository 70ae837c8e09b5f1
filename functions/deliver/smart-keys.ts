import { exportPKCS8 } from 'jose';
import * as z from 'zod';
import {
  generateSigningKey,
  importPem,
  type SigningAlg,
  type SigningKey,
} from '../../shared/adapters/smart/signing-key.js';
import type { SecretSource } from '../../shared/ports/secret-source.js';

const StoredKeys = z.object({ ES384: z.string().optional(), RS384: z.string().optional() });

/** A new key per algorithm, in the stored form `{"ES384": "<PKCS8 PEM>", ...}`. */
async function newKeys(algs: ReadonlySet<SigningAlg>): Promise<string> {
  const pems: Record<string, string> = {};
  for (const alg of algs) pems[alg] = await exportPKCS8((await generateSigningKey(alg)).privateKey);
  return `${JSON.stringify(pems, null, 2)}\n`;
}

/**
 * The bridge's SMART client keys, one per algorithm its EHR targets use, from the
 * cell's secret source: `{"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}` in a
 * Secrets Manager secret in AWS, the same JSON in a file created on first start locally.
 *
 * @throws when the secret is not that JSON or lacks a key for an algorithm a target needs
 *   (locally: delete the file to have it made again with every algorithm of the policy).
 */
export async function loadSmartKeys(
  algs: ReadonlySet<SigningAlg>,
  secrets: SecretSource,
  name: string,
): Promise<Map<SigningAlg, SigningKey>> {
  const stored = StoredKeys.parse(
    JSON.parse((await secrets.read(name, () => newKeys(algs))).toString('utf8')),
  );
  const keys = new Map<SigningAlg, SigningKey>();
  for (const alg of algs) {
    const pem = stored[alg];
    if (!pem) throw new Error(`the SMART key secret ${name} holds no ${alg} key`);
    keys.set(alg, await importPem(pem, alg));
  }
  return keys;
}
