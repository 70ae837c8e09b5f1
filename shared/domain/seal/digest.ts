import { createHash, verify } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from '../ledger/canonical.js';
import { GENESIS_HASH } from '../ledger/entry.js';

/** The hash-chained record families a cell seals with digests. */
export const SEALED_CHAINS = ['ledger', 'audit'] as const;
export type SealedChainName = (typeof SEALED_CHAINS)[number];

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const IsoInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** Where one shard's chain ended when the digest was made; `seq` is also its entry count. */
export const SealedHeadSchema = z.strictObject({
  shard: z.int().min(0),
  seq: z.int().min(0),
  hash: Sha256Hex,
});
export type SealedHead = z.infer<typeof SealedHeadSchema>;

/**
 * A signed digest: every shard head (and so every count) of one chain family of
 * one cell at one instant, linked to the previous digest by its hash. The chain of
 * digests is itself a hash chain, stored outside the table, so a table writer who
 * recomputes every entry hash still cannot match a sealed head, and cannot roll the
 * digests back or fork them without the signing key.
 */
export const SignedDigestSchema = z.strictObject({
  version: z.literal(1),
  chain: z.enum(SEALED_CHAINS),
  cell: z.string().min(1),
  /** Position in the digest chain, from 1. */
  seq: z.int().min(1),
  at: IsoInstant,
  shardCount: z.int().min(1),
  /** One head per shard, shards 0..shardCount-1 in order. */
  shards: z.array(SealedHeadSchema),
  /** `digestHash` of the digest at `seq - 1`; GENESIS_HASH for the first. */
  prevDigestHash: Sha256Hex,
  alg: z.literal('ECDSA_SHA_256'),
  keyId: z.string().min(1),
  /** Base64 DER ECDSA P-256 signature over `digestSigningBytes`. */
  signature: z.string().min(1),
});
export type SignedDigest = z.infer<typeof SignedDigestSchema>;
export type UnsignedDigest = Omit<SignedDigest, 'signature'>;

/** prevDigestHash of the first digest of a chain. */
export const DIGEST_GENESIS = GENESIS_HASH;

/** The bytes a digest's signature covers: canonical JSON of every field but the signature. */
export function digestSigningBytes(digest: UnsignedDigest | SignedDigest): Uint8Array {
  const { signature: _signature, ...signed } = digest as SignedDigest;
  return new TextEncoder().encode(canonicalJson(signed));
}

/** The hash the next digest links to: SHA-256 (hex) of the whole signed digest's canonical JSON. */
export const digestHash = (digest: SignedDigest): string =>
  createHash('sha256').update(canonicalJson(digest), 'utf8').digest('hex');

/** The stored form of a digest (what the anchor holds and hashes are computed over). */
export const digestBody = (digest: SignedDigest): string => canonicalJson(digest);

/**
 * Whether `digest` carries a valid ECDSA P-256 / SHA-256 signature by the holder of
 * `publicKeyPem`. Pure and offline: the same check an outside auditor runs.
 */
export function digestSignatureValid(digest: SignedDigest, publicKeyPem: string): boolean {
  try {
    return verify(
      'sha256',
      digestSigningBytes(digest),
      { key: publicKeyPem, dsaEncoding: 'der' },
      Buffer.from(digest.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** A short, stable fingerprint of a public key (SHA-256 of its PEM text, first 16 hex digits). */
export const publicKeyFingerprint = (publicKeyPem: string): string =>
  createHash('sha256').update(publicKeyPem.trim(), 'utf8').digest('hex').slice(0, 16);
