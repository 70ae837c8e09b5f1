import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { EsdkNoteEncryptor } from '../../shared/adapters/crypto/note-encryptor.js';
import { FileSecretSource } from '../../shared/adapters/fs/file-secret-source.js';
import type { NoteBinding } from '../../shared/ports/note-encryptor.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';

const event = noteEvent({ patient: fixturePatients.uk, noteId: 'enc-1' });
const binding: NoteBinding = {
  cell: 'uk',
  tenant: 'st-marys-trust',
  senderId: 'demo',
  noteId: 'enc-1',
  version: 1,
};

describe('EsdkNoteEncryptor (local raw AES keyring)', () => {
  let dir: string;
  let encryptor: EsdkNoteEncryptor;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-keys-'));
    const { keyring, keyId } = await localKeyring('uk', new FileSecretSource(), join(dir, 'uk.key'));
    encryptor = new EsdkNoteEncryptor(keyring, keyId);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips a note', async () => {
    const sealed = await encryptor.encrypt(event, binding);
    expect(await encryptor.decrypt(sealed.ciphertext, binding)).toEqual(event);
    expect(sealed.keyId).toBe('local:cell-uk');
  });

  it('leaves no note text in the ciphertext', async () => {
    const sealed = await encryptor.encrypt(event, binding);
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from(event.note.text.slice(0, 20)))).toBe(false);
  });

  it.each([
    ['another cell', { cell: 'eu' }],
    ['another tenant', { tenant: 'other-trust' }],
    ['another note (swapped ciphertext)', { noteId: 'enc-2' }],
    ['another version', { version: 2 }],
    ['another sender', { senderId: 'other' }],
  ])('refuses a ciphertext read back as %s', async (_label, change) => {
    const sealed = await encryptor.encrypt(event, binding);
    await expect(encryptor.decrypt(sealed.ciphertext, { ...binding, ...change })).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
  });

  it('detects a flipped byte', async () => {
    const sealed = await encryptor.encrypt(event, binding);
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 0xff;
    await expect(encryptor.decrypt(tampered, binding)).rejects.toMatchObject({ code: 'ciphertext-mismatch' });
  });

  it('cannot be read with another cell key', async () => {
    const sealed = await encryptor.encrypt(event, binding);
    const other = await localKeyring('uk', new FileSecretSource(), join(dir, 'other.key'));
    await expect(
      new EsdkNoteEncryptor(other.keyring, other.keyId).decrypt(sealed.ciphertext, binding),
    ).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
  });

  it('creates the key file whole with mode 0600 once, and every cell starting at once reads that one key', async () => {
    const path = join(dir, 'nested', 'k.key');
    const sources = Array.from({ length: 8 }, () => localKeyring('uk', new FileSecretSource(), path));
    const encryptors = (await Promise.all(sources)).map((k) => new EsdkNoteEncryptor(k.keyring, k.keyId));
    const [first, ...others] = encryptors;
    const sealed = await (first as EsdkNoteEncryptor).encrypt(event, binding);
    for (const e of others) expect(await e.decrypt(sealed.ciphertext, binding)).toEqual(event);
    expect((await stat(path)).size).toBe(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('EsdkNoteEncryptor (KMS keyring, mocked KMS client)', () => {
  const keyArn = 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const kms = mockClient(KMSClient);
  const dataKey = randomBytes(32);
  const wrapped = randomBytes(64);

  beforeEach(() => {
    kms.reset();
    kms.on(GenerateDataKeyCommand).resolves({
      KeyId: keyArn,
      Plaintext: new Uint8Array(dataKey),
      CiphertextBlob: new Uint8Array(wrapped),
    });
    kms.on(DecryptCommand).resolves({ KeyId: keyArn, Plaintext: new Uint8Array(dataKey) });
  });

  it('asks KMS for a data key of the cell key with the encryption context, once for many notes', async () => {
    const { keyring, keyId } = kmsKeyring(keyArn, new KMS({ region: 'eu-west-2' }));
    const encryptor = new EsdkNoteEncryptor(keyring, keyId);

    for (let i = 0; i < 50; i++) await encryptor.encrypt(event, binding);

    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      KeyId: keyArn,
      NumberOfBytes: 32,
      EncryptionContext: { app: 'visitbridge', cell: 'uk', tenant: 'st-marys-trust' },
      GrantTokens: undefined,
    });
  });

  it('decrypts through KMS Decrypt with the same key and context', async () => {
    const { keyring, keyId } = kmsKeyring(keyArn, new KMS({ region: 'eu-west-2' }));
    const sealed = await new EsdkNoteEncryptor(keyring, keyId).encrypt(event, binding);
    const reader = new EsdkNoteEncryptor(kmsKeyring(keyArn, new KMS({ region: 'eu-west-2' })).keyring, keyId);

    expect(await reader.decrypt(sealed.ciphertext, binding)).toEqual(event);

    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      KeyId: keyArn,
      EncryptionContext: { app: 'visitbridge', cell: 'uk', tenant: 'st-marys-trust' },
    });
    expect(Buffer.from(calls[0]?.args[0].input.CiphertextBlob ?? []).equals(wrapped)).toBe(true);
  });
});
