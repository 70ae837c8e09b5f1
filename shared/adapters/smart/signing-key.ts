import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from 'jose';
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

/**
 * Reads the PKCS8 PEM key in `file`, or creates one there (mode 0600, parent
 * folder 0700) on first start. The file appears whole (written aside, then
 * hard-linked into place), and processes racing to create it end up with the
 * same key: the losers read the winner's file.
 *
 * @throws AppError `internal` when the file cannot be read or written, or holds no `alg` key.
 */
export async function loadOrCreateSigningKey(file: string, alg: SigningAlg): Promise<SigningKey> {
  const pem = await readPem(file);
  if (pem !== undefined) return importPem(pem, alg);
  const key = await generateSigningKey(alg);
  const aside = `${file}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(aside, await exportPKCS8(key.privateKey), { mode: 0o600, flag: 'wx' });
    await link(aside, file);
    return key;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') {
      const winner = await readPem(file);
      if (winner !== undefined) return importPem(winner, alg);
    }
    throw new AppError('internal', 'cannot write the SMART signing key file', {}, { cause: error });
  } finally {
    await rm(aside, { force: true });
  }
}

async function readPem(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new AppError('internal', 'cannot read the SMART signing key file', {}, { cause: error });
  }
}

/** A signing key from PKCS8 PEM text (e.g. a Secrets Manager value). */
export async function importPem(pem: string, alg: SigningAlg): Promise<SigningKey> {
  try {
    return await describe(alg, await importPKCS8(pem, alg, { extractable: true }));
  } catch (error) {
    throw new AppError(
      'internal',
      `the SMART signing key file does not hold a ${alg} private key`,
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
