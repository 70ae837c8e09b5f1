import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyringNode } from '@aws-crypto/client-node';
import { DecryptCommand, GenerateDataKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { kmsKeyring, localKeyring } from '../../shared/adapters/crypto/keyrings.js';
import { APP, esdk, SUITE } from '../../shared/adapters/crypto/patient-keys.js';
import { FileSecretSource } from '../../shared/adapters/fs/file-secret-source.js';
import type { NoteBinding } from '../../shared/ports/note-encryptor.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { createTestTable, testDynamoClient, testEncryptor } from '../helpers/dynamo.js';

const event = noteEvent({ patient: fixturePatients.uk, noteId: 'enc-1' });
const binding: NoteBinding = {
  cell: 'uk',
  tenant: 'st-marys-trust',
  senderId: 'demo',
  noteId: 'enc-1',
  version: 1,
  patientRef: 'pt_enc_patient_one_0000',
};
const client = testDynamoClient();

describe('EsdkNoteEncryptor (per-patient keys under the local raw AES cell key)', () => {
  let dir: string;
  let tableName: string;
  let cell: Awaited<ReturnType<typeof testEncryptor>>;
  let cellKeyring: KeyringNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-keys-'));
    tableName = await createTestTable(client, 'enc');
    const { keyring, keyId } = await localKeyring('uk', new FileSecretSource(), join(dir, 'uk.key'));
    cellKeyring = keyring;
    cell = await testEncryptor(client, tableName, { id: 'uk', keyring, keyId });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips a note under its patient key, made on first use', async () => {
    const sealed = await cell.encryptor.encrypt(event, binding);
    expect(await cell.encryptor.decrypt(sealed.ciphertext, binding)).toEqual(event);
    expect(sealed.keyId).toBe('local:cell-uk');
    expect(sealed.patientKeyId).toBe((await cell.patientKeys.find(binding.patientRef))?.keyId);
  });

  it('keeps one key per patient and a different key for another patient', async () => {
    const a = await cell.encryptor.encrypt(event, binding);
    const b = await cell.encryptor.encrypt(event, { ...binding, noteId: 'enc-9' });
    const other = await cell.encryptor.encrypt(event, { ...binding, patientRef: 'pt_enc_patient_two_0000' });
    expect(a.patientKeyId).toBe(b.patientKeyId);
    expect(other.patientKeyId).not.toBe(a.patientKeyId);
  });

  it('leaves no note text in the ciphertext', async () => {
    const sealed = await cell.encryptor.encrypt(event, binding);
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from(event.note.text.slice(0, 20)))).toBe(false);
  });

  it.each([
    ['another cell', { cell: 'eu' }],
    ['another tenant', { tenant: 'other-trust' }],
    ['another note (swapped ciphertext)', { noteId: 'enc-2' }],
    ['another version', { version: 2 }],
    ['another sender', { senderId: 'other' }],
    ['another patient (whose key is another)', { patientRef: 'pt_enc_patient_two_0000' }],
  ])('refuses a ciphertext read back as %s', async (_label, change) => {
    await cell.encryptor.encrypt(event, { ...binding, patientRef: 'pt_enc_patient_two_0000' });
    const sealed = await cell.encryptor.encrypt(event, binding);
    await expect(cell.encryptor.decrypt(sealed.ciphertext, { ...binding, ...change })).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
  });

  it('detects a flipped byte', async () => {
    const sealed = await cell.encryptor.encrypt(event, binding);
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 0xff;
    await expect(cell.encryptor.decrypt(tampered, binding)).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
  });

  it('cannot unwrap the patient keys with another cell key', async () => {
    const sealed = await cell.encryptor.encrypt(event, binding);
    const other = await localKeyring('uk', new FileSecretSource(), join(dir, 'other.key'));
    const stranger = await testEncryptor(client, tableName, { id: 'uk', ...other });
    await expect(stranger.encryptor.decrypt(sealed.ciphertext, binding)).rejects.toMatchObject({
      code: 'storage-unavailable',
    });
  });

  it('refuses a wrapped key copied under another patient', async () => {
    const victim = 'pt_enc_patient_copy_000';
    await cell.patientKeys.current(binding.patientRef);
    const stored = await cell.patientKeyTable.get(binding.patientRef);
    await cell.patientKeyTable.putIfAbsent({ ...(stored as NonNullable<typeof stored>), patientRef: victim });
    await expect(cell.patientKeys.find(victim)).rejects.toMatchObject({ code: 'ciphertext-mismatch' });
  });

  it('after the key is destroyed, the note is erased for every reader, and a new note gets a new key', async () => {
    const patientRef = 'pt_enc_patient_shred_00';
    const sealed = await cell.encryptor.encrypt(event, { ...binding, patientRef });
    const destroyed = await cell.patientKeys.destroy(patientRef);
    expect(destroyed).toBe(sealed.patientKeyId);
    await expect(cell.encryptor.decrypt(sealed.ciphertext, { ...binding, patientRef })).rejects.toMatchObject(
      {
        code: 'note-erased',
      },
    );
    const later = await cell.encryptor.encrypt(event, { ...binding, patientRef, noteId: 'enc-later' });
    expect(later.patientKeyId).not.toBe(sealed.patientKeyId);
    await expect(cell.encryptor.decrypt(sealed.ciphertext, { ...binding, patientRef })).rejects.toMatchObject(
      {
        code: 'ciphertext-mismatch',
      },
    );
  });

  /** A note as it was sealed before per-patient keys: under the cell key, context {app, cell, tenant}. */
  async function sealedUnderCellKey(tenant = binding.tenant) {
    const payload = { noteId: binding.noteId, version: binding.version, senderId: binding.senderId, event };
    const { result } = await esdk.encrypt(cellKeyring, JSON.stringify(payload), {
      encryptionContext: { app: APP, cell: 'uk', tenant },
      suiteId: SUITE,
    });
    return result;
  }

  it('still opens a note sealed under the cell key before per-patient keys, with or without a patient key', async () => {
    // Prepare
    const legacy = await sealedUnderCellKey();
    const newcomer = { ...binding, patientRef: 'pt_enc_patient_legacy_0' };
    // Act and assess: before the patient has a key, then after a new note made one
    expect(await cell.encryptor.decrypt(legacy, newcomer)).toEqual(event);
    await cell.encryptor.encrypt(event, { ...newcomer, noteId: 'enc-new' });
    expect(await cell.patientKeys.find(newcomer.patientRef)).toBeDefined();
    expect(await cell.encryptor.decrypt(legacy, newcomer)).toEqual(event);
  });

  it('checks a cell-key note’s context and identity as strictly', async () => {
    // Prepare
    const otherTenant = await sealedUnderCellKey('other-trust');
    const legacy = await sealedUnderCellKey();
    // Act and assess
    await expect(cell.encryptor.decrypt(otherTenant, binding)).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
    await expect(cell.encryptor.decrypt(legacy, { ...binding, noteId: 'enc-2' })).rejects.toMatchObject({
      code: 'ciphertext-mismatch',
    });
  });

  it('agrees on one key when many writers make the first note of a patient at once', async () => {
    const patientRef = 'pt_enc_patient_race_000';
    const { keyring, keyId } = await localKeyring('uk', new FileSecretSource(), join(dir, 'uk.key'));
    const writers = await Promise.all(
      Array.from({ length: 6 }, () => testEncryptor(client, tableName, { id: 'uk', keyring, keyId })),
    );
    const sealed = await Promise.all(
      writers.map((w, i) => w.encryptor.encrypt(event, { ...binding, patientRef, noteId: `race-${i}` })),
    );
    expect(new Set(sealed.map((s) => s.patientKeyId)).size).toBe(1);
    for (const [i, s] of sealed.entries())
      expect(
        await cell.encryptor.decrypt(s.ciphertext, { ...binding, patientRef, noteId: `race-${i}` }),
      ).toEqual(event);
  });

  it('creates the key file whole with mode 0600 once, and every cell starting at once reads that one key', async () => {
    const path = join(dir, 'nested', 'k.key');
    const keyrings = await Promise.all(
      Array.from({ length: 8 }, () => localKeyring('uk', new FileSecretSource(), path)),
    );
    const table = await createTestTable(client, 'enc-file');
    const [first, ...others] = await Promise.all(
      keyrings.map((k) => testEncryptor(client, table, { id: 'uk', ...k })),
    );
    const sealed = await (first as NonNullable<typeof first>).encryptor.encrypt(event, binding);
    for (const e of others) expect(await e.encryptor.decrypt(sealed.ciphertext, binding)).toEqual(event);
    expect((await stat(path)).size).toBe(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('EsdkNoteEncryptor (KMS keyring, mocked KMS client)', () => {
  const keyArn = 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const kms = mockClient(KMSClient);
  const dataKey = randomBytes(32);
  const wrapped = randomBytes(64);
  const cellContext = { app: 'visitbridge', cell: 'uk', purpose: 'patient-key' };

  beforeEach(() => {
    kms.reset();
    kms.on(GenerateDataKeyCommand).resolves({
      KeyId: keyArn,
      Plaintext: new Uint8Array(dataKey),
      CiphertextBlob: new Uint8Array(wrapped),
    });
    kms.on(DecryptCommand).resolves({ KeyId: keyArn, Plaintext: new Uint8Array(dataKey) });
  });

  const kmsCell = async (tableName: string) => {
    const { keyring, keyId } = kmsKeyring(keyArn, new KMS({ region: 'eu-west-2' }));
    return testEncryptor(client, tableName, { id: 'uk', keyring, keyId });
  };

  it('asks KMS for one data key of the cell key for the keys of many patients, with the cell context', async () => {
    const tableName = await createTestTable(client, 'enc-kms');
    const { encryptor } = await kmsCell(tableName);

    for (let i = 0; i < 50; i++)
      await encryptor.encrypt(event, { ...binding, patientRef: `pt_kms_patient_${i}_000` });

    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      KeyId: keyArn,
      NumberOfBytes: 32,
      EncryptionContext: cellContext,
      GrantTokens: undefined,
    });
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('a new reader unwraps many patients keys with one KMS Decrypt of the same key and context', async () => {
    const tableName = await createTestTable(client, 'enc-kms');
    const writer = await kmsCell(tableName);
    const notes = [];
    for (let i = 0; i < 20; i++) {
      const b = { ...binding, patientRef: `pt_kms_reader_${i}_0000` };
      notes.push({ b, sealed: await writer.encryptor.encrypt(event, b) });
    }
    const reader = await kmsCell(tableName);

    for (const { b, sealed } of notes)
      expect(await reader.encryptor.decrypt(sealed.ciphertext, b)).toEqual(event);

    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({ KeyId: keyArn, EncryptionContext: cellContext });
    expect(Buffer.from(calls[0]?.args[0].input.CiphertextBlob ?? []).equals(wrapped)).toBe(true);
  });
});
