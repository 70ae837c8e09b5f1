import {
  getLocalCryptographicMaterialsCache,
  type KeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { AppError } from '../../domain/errors.js';
import { VisitNoteEvent } from '../../domain/event/schema.js';
import type { Clock } from '../../ports/clock.js';
import type { NoteBinding, NoteEncryptor, SealedNote } from '../../ports/note-encryptor.js';
import type { PatientKeys, PatientKeyTable } from '../../ports/patient-keys.js';
import { APP, checkContext, EsdkPatientKeys, esdk, patientKeyring, SUITE } from './patient-keys.js';

/** What goes inside the ciphertext: the note plus the identity it must be read back as. */
interface SealedPayload {
  noteId: string;
  version: number;
  senderId: string;
  event: VisitNoteEvent;
}

/**
 * Envelope encryption with the AWS Encryption SDK: committing, non-signing suite, each
 * note's data key wrapped by its patient's own key (`PatientKeys`, itself wrapped under
 * the cell key), so erasing a patient is destroying one key. The encryption context
 * binds {app, cell, tenant, patient}; the SDK does not check it on decrypt, so this
 * class does; it also checks the note id, sender and version sealed inside the
 * ciphertext, so a swapped item is caught.
 *
 * Notes stored before per-patient keys were sealed under the cell key itself with
 * the context {app, cell, tenant}; given `legacy` (the cell key's materials), those
 * still decrypt. A note sealed under a patient key never opens with the cell key, so
 * an erased patient's notes stay unreadable.
 *
 * @example
 * const encryptor = new EsdkNoteEncryptor(patientKeys, 'local:cell-uk');
 * const sealed = await encryptor.encrypt(event, binding);
 */
export class EsdkNoteEncryptor implements NoteEncryptor {
  constructor(
    private readonly keys: PatientKeys,
    private readonly keyId: string,
    private readonly legacy?: NodeCachingMaterialsManager,
  ) {}

  async encrypt(event: VisitNoteEvent, binding: NoteBinding): Promise<SealedNote> {
    const payload: SealedPayload = {
      noteId: binding.noteId,
      version: binding.version,
      senderId: binding.senderId,
      event,
    };
    const key = await this.keys.current(binding.patientRef);
    const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
    const { result } = await esdk.encrypt(patientKeyring(key), plaintext, {
      encryptionContext: contextOf(binding),
      suiteId: SUITE,
      plaintextLength: plaintext.length,
    });
    return { ciphertext: result, keyId: this.keyId, patientKeyId: key.keyId };
  }

  async decrypt(ciphertext: Uint8Array, expected: NoteBinding): Promise<VisitNoteEvent> {
    const key = await this.keys.find(expected.patientRef);
    let opened = key ? await open(patientKeyring(key), ciphertext) : undefined;
    let wanted = contextOf(expected);
    if (!opened && this.legacy) {
      // A note of the cell key's era has exactly the legacy context: never a patient key's note.
      wanted = legacyContextOf(expected);
      const underCellKey = await open(this.legacy, ciphertext);
      if (underCellKey && sameKeys(underCellKey.context, wanted)) opened = underCellKey;
    }
    if (!opened) {
      if (!key) throw new AppError('note-erased', "the patient's key was destroyed: this note was erased");
      throw new AppError('ciphertext-mismatch', "ciphertext could not be decrypted with the patient's key");
    }
    const { plaintext, context } = opened;
    checkContext(context, wanted);
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

/** Decrypts with `materials`, or undefined when they cannot (no data key of theirs, or a broken message). */
async function open(
  materials: KeyringNode | NodeCachingMaterialsManager,
  ciphertext: Uint8Array,
): Promise<{ plaintext: Buffer; context: Record<string, string> } | undefined> {
  try {
    const out = await esdk.decrypt(materials, ciphertext);
    return { plaintext: out.plaintext, context: out.messageHeader.encryptionContext };
  } catch {
    return undefined;
  }
}

const sameKeys = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).sort().join() === Object.keys(b).sort().join();

/** The context of a note sealed under the cell key itself, before per-patient keys. */
function legacyContextOf(binding: NoteBinding): Record<string, string> {
  return { app: APP, cell: binding.cell, tenant: binding.tenant };
}

function contextOf(binding: NoteBinding): Record<string, string> {
  return { app: APP, cell: binding.cell, tenant: binding.tenant, patient: binding.patientRef };
}

/**
 * A cell's note encryption as every function builds it: per-patient keys stored in
 * `table`, wrapped under the cell key (`keyring`, named `keyId`), and the encryptor on them.
 */
const LEGACY_CACHE = { capacity: 100, maxAgeMs: 5 * 60_000 };

export function cellNoteEncryption(cell: {
  id: string;
  keyring: KeyringNode;
  keyId: string;
  table: PatientKeyTable;
  clock: Clock;
}): { patientKeys: EsdkPatientKeys; encryptor: EsdkNoteEncryptor } {
  const patientKeys = new EsdkPatientKeys(cell.table, cell.keyring, cell.id, cell.clock);
  // Notes sealed under the cell key before per-patient keys: decrypt only, data keys cached as then.
  const legacy = new NodeCachingMaterialsManager({
    backingMaterials: cell.keyring,
    cache: getLocalCryptographicMaterialsCache(LEGACY_CACHE.capacity),
    maxAge: LEGACY_CACHE.maxAgeMs,
  });
  return { patientKeys, encryptor: new EsdkNoteEncryptor(patientKeys, cell.keyId, legacy) };
}
