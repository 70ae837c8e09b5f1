import { randomBytes, randomUUID } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  type KeyringNode,
  NodeCachingMaterialsManager,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { AppError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { PatientKey, PatientKeys, PatientKeyTable } from '../../ports/patient-keys.js';

/** Bounds of a cached cell data key: KMS is asked a few times per thousand patient keys, never per key. */
export interface DataKeyCacheLimits {
  maxAgeMs: number;
  maxMessagesEncrypted: number;
  capacity: number;
}

export const DEFAULT_CACHE_LIMITS: DataKeyCacheLimits = {
  maxAgeMs: 5 * 60_000,
  maxMessagesEncrypted: 1000,
  capacity: 100,
};

/** What a wrapped patient key holds: the key and whose it is. */
interface WrappedPayload {
  patientRef: string;
  keyId: string;
  /** Base64 of the 32 key bytes. */
  key: string;
}

/** How many unwrapped patient keys a process keeps, and for how long. */
export interface PatientKeyCacheLimits {
  maxAgeMs: number;
  capacity: number;
}

export const DEFAULT_PATIENT_KEY_CACHE: PatientKeyCacheLimits = { maxAgeMs: 5 * 60_000, capacity: 10_000 };

export const APP = 'visitbridge';
/** Committing, non-signing suite, for notes and for wrapped patient keys alike. */
export const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
export const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** The raw AES keyring of one patient's key: wraps the data key of each of that patient's notes. */
export function patientKeyring(key: PatientKey): KeyringNode {
  return new RawAesKeyringNode({
    keyNamespace: 'visitbridge-patient',
    keyName: key.keyId,
    // A copy: the Encryption SDK zeroes the key material it was given once it is done with it.
    unencryptedMasterKey: new Uint8Array(key.key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/**
 * Every encryption context entry of `wanted` is in `actual`. The Encryption SDK does not
 * check the context on decrypt, so callers do.
 *
 * @throws AppError('ciphertext-mismatch') naming the first entry that differs.
 */
export function checkContext(actual: Record<string, string>, wanted: Record<string, string>): void {
  for (const [key, value] of Object.entries(wanted)) {
    if (actual[key] !== value) {
      throw new AppError('ciphertext-mismatch', `encryption context ${key} does not match`);
    }
  }
}

/**
 * Per-patient keys for crypto-shredding (docs/erasure.md): 32 random bytes per patient,
 * stored in the patient key table wrapped under the cell key with the Encryption SDK
 * (KMS keyring in AWS, the cell's local key locally) through a caching materials
 * manager, so one KMS data key wraps up to a thousand patient keys and each process
 * unwraps them with one KMS call. Unwrapped keys are kept in memory for at most
 * `maxAgeMs`; destroying a key deletes its only stored copy.
 *
 * @example
 * const keys = new EsdkPatientKeys(table, cellKeyring, 'uk', systemClock);
 * const key = await keys.current('pt_…'); // made on first use
 */
export class EsdkPatientKeys implements PatientKeys {
  private readonly cmm: NodeCachingMaterialsManager;
  private readonly cache = new Map<string, { key: PatientKey; until: number }>();
  readonly maxCacheAgeMs: number;

  constructor(
    private readonly table: PatientKeyTable,
    cellKeyring: KeyringNode,
    private readonly cell: string,
    private readonly clock: Clock,
    limits: DataKeyCacheLimits = DEFAULT_CACHE_LIMITS,
    private readonly cacheLimits: PatientKeyCacheLimits = DEFAULT_PATIENT_KEY_CACHE,
  ) {
    this.cmm = new NodeCachingMaterialsManager({
      backingMaterials: cellKeyring,
      cache: getLocalCryptographicMaterialsCache(limits.capacity),
      maxAge: limits.maxAgeMs,
      maxMessagesEncrypted: limits.maxMessagesEncrypted,
    });
    this.maxCacheAgeMs = cacheLimits.maxAgeMs;
  }

  async current(patientRef: string): Promise<PatientKey> {
    const found = await this.find(patientRef);
    if (found) return found;
    const keyId = randomUUID();
    const material = new Uint8Array(randomBytes(32));
    const createdAt = this.clock.now().toISOString();
    const wrapped = await this.wrap(patientRef, keyId, material);
    const stored = await this.table.putIfAbsent({ patientRef, keyId, wrapped, createdAt });
    // Another writer won the race: use its key, so the patient keeps exactly one.
    const key =
      stored.keyId === keyId ? { keyId, key: material, createdAt } : await this.unwrap(patientRef, stored);
    return this.remember(patientRef, key);
  }

  async find(patientRef: string): Promise<PatientKey | undefined> {
    const cached = this.cache.get(patientRef);
    if (cached && cached.until > this.clock.now().getTime()) return cached.key;
    this.cache.delete(patientRef);
    const stored = await this.table.get(patientRef);
    if (!stored) return undefined;
    return this.remember(patientRef, await this.unwrap(patientRef, stored));
  }

  async destroy(patientRef: string): Promise<string | undefined> {
    this.cache.delete(patientRef);
    for (;;) {
      const stored = await this.table.get(patientRef);
      if (!stored) return undefined;
      if (await this.table.delete(patientRef, stored.keyId)) return stored.keyId;
    }
  }

  count(): Promise<number> {
    return this.table.count();
  }

  private remember(patientRef: string, key: PatientKey): PatientKey {
    if (this.cache.size >= this.cacheLimits.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(patientRef, { key, until: this.clock.now().getTime() + this.cacheLimits.maxAgeMs });
    return key;
  }

  /**
   * The same for every patient key of the cell, so the caching materials manager (whose
   * cache is per context) reuses one cell data key; whose key it is goes inside.
   */
  private context(): Record<string, string> {
    return { app: APP, cell: this.cell, purpose: 'patient-key' };
  }

  private async wrap(patientRef: string, keyId: string, material: Uint8Array): Promise<Uint8Array> {
    const payload: WrappedPayload = { patientRef, keyId, key: Buffer.from(material).toString('base64') };
    const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
    try {
      const { result } = await esdk.encrypt(this.cmm, plaintext, {
        encryptionContext: this.context(),
        suiteId: SUITE,
        plaintextLength: plaintext.length,
      });
      return new Uint8Array(result);
    } catch (error) {
      throw new AppError(
        'storage-unavailable',
        'the cell key could not wrap a patient key',
        {},
        { cause: error },
      );
    }
  }

  private async unwrap(
    patientRef: string,
    stored: { keyId: string; wrapped: Uint8Array; createdAt: string },
  ): Promise<PatientKey> {
    let out: Awaited<ReturnType<typeof esdk.decrypt>>;
    try {
      out = await esdk.decrypt(this.cmm, stored.wrapped);
    } catch (error) {
      throw new AppError(
        'storage-unavailable',
        'the cell key could not unwrap a patient key',
        {},
        { cause: error },
      );
    }
    checkContext(out.messageHeader.encryptionContext, this.context());
    const payload = JSON.parse(out.plaintext.toString('utf8')) as WrappedPayload;
    // A key item copied under another patient (or another key id) is refused.
    if (payload.patientRef !== patientRef || payload.keyId !== stored.keyId) {
      throw new AppError('ciphertext-mismatch', 'a wrapped patient key belongs to another patient or key id');
    }
    const key = new Uint8Array(Buffer.from(payload.key, 'base64'));
    if (key.length !== 32) throw new AppError('ciphertext-mismatch', 'a patient key must be 32 bytes');
    return { keyId: stored.keyId, key, createdAt: stored.createdAt };
  }
}
