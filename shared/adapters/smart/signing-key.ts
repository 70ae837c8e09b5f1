import { calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8, type JWK } from 'jose';
import { AppError } from '../../domain/errors.js';

/** The algorithms SMART Backend Services asks clients to support. */
export type SigningAlg = 'RS384' | 'ES384';

/** A private key that signs client assertions, with its public half for the JWKS. */
export interface SigningKey {
  alg: SigningAlg;
  /** RFC 7638 SHA-256 thumbprint of the public key: stable for the key, no file needed. */
  kid: string;
  privateKey: CryptoKey;
  /** Public members only (`kty`, `crv`/`x`/`y` or `n`/`e`). */
  publicJwk: JWK;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

async function describe(alg: SigningAlg, privateKey: CryptoKey): Promise<SigningKey> {
  const full = await exportJWK(privateKey);
  const publicJwk: JWK = {};
  for (const member of PUBLIC_MEMBERS) if (full[member] !== undefined) publicJwk[member] = full[member];
  return { alg, kid: await calculateJwkThumbprint(publicJwk, 'sha256'), privateKey, publicJwk };
}

/** Makes a new key pair: P-384 for ES384, RSA 2048 for RS384. */
export async function generateSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return describe(alg, privateKey);
}

/** A signing key from PKCS8 PEM text (e.g. a Secrets Manager value). */
export async function importPem(pem: string, alg: SigningAlg): Promise<SigningKey> {
  try {
    return await describe(alg, await importPKCS8(pem, alg, { extractable: true }));
  } catch (error) {
    throw new AppError(
      'internal',
      `the SMART signing key does not hold a ${alg} private key`,
      {},
      { cause: error },
    );
  }
}

/**
 * The JSON Web Key Set the bridge publishes for EHRs to verify its assertions.
 * Serve every key still in use, so a rotation never breaks a token request.
 */
export function publicJwks(keys: readonly SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
}
