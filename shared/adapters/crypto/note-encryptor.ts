import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  type KeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { AppError } from '../../domain/errors.js';
import { VisitNoteEvent } from '../../domain/event/schema.js';
import type { NoteBinding, NoteEncryptor, SealedNote } from '../../ports/note-encryptor.js';

/** Bounds of a cached data key: KMS is asked a few times per thousand notes, never per note. */
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

const APP = 'visitbridge';
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** What goes inside the ciphertext: the note plus the identity it must be read back as. */
interface SealedPayload {
  noteId: string;
  version: number;
  senderId: string;
  event: VisitNoteEvent;
}

/**
 * Envelope encryption with the AWS Encryption SDK: committing, non-signing suite,
 * caching materials manager, encryption context {app, cell, tenant}. The SDK does
 * not check the context on decrypt, so this class does; it also checks the note
 * id, sender and version sealed inside the ciphertext, so a swapped item is caught.
 *
 * @example
 * const encryptor = new EsdkNoteEncryptor(await localKeyring('uk', file), 'local:uk');
 * const sealed = await encryptor.encrypt(event, binding);
 */
export class EsdkNoteEncryptor implements NoteEncryptor {
  private readonly cmm: NodeCachingMaterialsManager;

  constructor(
    keyring: KeyringNode,
    private readonly keyId: string,
    limits: DataKeyCacheLimits = DEFAULT_CACHE_LIMITS,
  ) {
    this.cmm = new NodeCachingMaterialsManager({
      backingMaterials: keyring,
      cache: getLocalCryptographicMaterialsCache(limits.capacity),
      maxAge: limits.maxAgeMs,
      maxMessagesEncrypted: limits.maxMessagesEncrypted,
    });
  }

  async encrypt(event: VisitNoteEvent, binding: NoteBinding): Promise<SealedNote> {
    const payload: SealedPayload = {
      noteId: binding.noteId,
      version: binding.version,
      senderId: binding.senderId,
      event,
    };
    const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
    const { result } = await encrypt(this.cmm, plaintext, {
      encryptionContext: contextOf(binding),
      suiteId: SUITE,
      plaintextLength: plaintext.length,
    });
    return { ciphertext: result, keyId: this.keyId };
  }

  async decrypt(ciphertext: Uint8Array, expected: NoteBinding): Promise<VisitNoteEvent> {
    let plaintext: Buffer;
    let context: Record<string, string>;
    try {
      const out = await decrypt(this.cmm, ciphertext);
      plaintext = out.plaintext;
      context = out.messageHeader.encryptionContext;
    } catch (error) {
      throw new AppError(
        'ciphertext-mismatch',
        'ciphertext could not be decrypted with this cell key',
        {},
        { cause: error },
      );
    }
    const wanted = contextOf(expected);
    for (const [key, value] of Object.entries(wanted)) {
      if (context[key] !== value) {
        throw new AppError('ciphertext-mismatch', `encryption context ${key} does not match`);
      }
    }
    const payload = JSON.parse(plaintext.toString('utf8')) as SealedPayload;
    if (
      payload.noteId !== expected.noteId ||
      payload.version !== expected.version ||
      payload.senderId !== expected.senderId
    ) {
      throw new AppError('ciphertext-mismatch', 'ciphertext holds another note or version');
    }
    return VisitNoteEvent.parse(payload.event);
  }
}

function contextOf(binding: NoteBinding): Record<string, string> {
  return { app: APP, cell: binding.cell, tenant: binding.tenant };
}
