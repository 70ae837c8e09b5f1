import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, GenerateDataKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_POLICY_FILE } from '../infra/local/settings.js';
import { kmsKeyring } from '../shared/adapters/crypto/keyrings.js';
import { cellNoteEncryption, type EsdkNoteEncryptor } from '../shared/adapters/crypto/note-encryptor.js';
import {
  createPatientKeyTableInput,
  DynamoPatientKeyTable,
} from '../shared/adapters/dynamodb/patient-key-table.js';
import { loadPolicy } from '../shared/config/load-policy.js';
import { jurisdictionOfCountry } from '../shared/domain/policy/parse.js';
import { systemClock } from '../shared/ports/clock.js';
import type { NoteBinding, SealedNote } from '../shared/ports/note-encryptor.js';
import { type FixturePatient, fixturePatients, noteEvent } from '../test/fixtures/notes.js';

export const KMS_LIMIT_PER_1000 = 5;

export interface KmsFigures {
  notes: number;
  tenants: number;
  cells: number;
  generateDataKeyCalls: number;
  decryptCalls: number;
  /** GenerateDataKey requests per 1,000 notes encrypted by one warm encryptor per cell. */
  encryptPer1000: number;
  /** Decrypt requests per 1,000 notes decrypted by a fresh (cold) encryptor per cell. */
  decryptPer1000: number;
  encryptSeconds: number;
  decryptSeconds: number;
}

/** A fresh copy per answer: the SDK zeroes a data key once it is done with it. */
const dataKey = () => new Uint8Array(32).fill(7);
const WRAPPED = new Uint8Array(64).fill(9);

/**
 * Counts KMS requests of the note encryptor as deployed (per-patient keys in a patient
 * key table on `dynamo`, wrapped by `kmsKeyring` on one key per cell through a caching
 * materials manager): `notes` fixture notes spread evenly over the policy's
 * organizations, each of a patient of its own (the worst case: every note makes a new
 * patient key), sealed in its organization's cell, then all opened by new encryptors as
 * a cold delivery worker would. KMS is mocked (no emulator exists): it answers with a
 * fixed data key and counts the calls.
 */
export async function measureKms(notes: number, dynamo: DynamoDBClient): Promise<KmsFigures> {
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const patients: FixturePatient[] = Object.values(fixturePatients);
  const tenants = policy.organizations.map((org) => {
    const cell = jurisdictionOfCountry(policy, org.country);
    if (!cell) throw new Error(`organization ${org.id} has no cell`);
    const patient = patients.find((p) => p.organization === org.id);
    if (!patient) throw new Error(`no fixture patient for ${org.id}`);
    return { org: org.id, cell: cell.id, region: cell.region, patient };
  });
  const keyArn = (cell: string, region: string) =>
    `arn:aws:kms:${region}:111122223333:key/visitbridge-bench-${cell}`;

  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake((input: { KeyId?: string }) => ({
    KeyId: input.KeyId,
    Plaintext: dataKey(),
    CiphertextBlob: WRAPPED,
  }));
  kms
    .on(DecryptCommand)
    .callsFake((input: { KeyId?: string }) => ({ KeyId: input.KeyId, Plaintext: dataKey() }));
  const run = Date.now().toString(36);
  const keyTable = (cell: string) => `visitbridge-bench-kms-${run}-${cell}-patient-keys`;
  for (const cell of new Set(tenants.map((t) => t.cell)))
    await dynamo.send(new CreateTableCommand(createPatientKeyTableInput(keyTable(cell))));
  const encryptors = () => {
    const byCell = new Map<string, EsdkNoteEncryptor>();
    for (const t of tenants) {
      if (byCell.has(t.cell)) continue;
      const { keyring, keyId } = kmsKeyring(keyArn(t.cell, t.region), new KMS({ region: t.region }));
      const table = new DynamoPatientKeyTable(dynamo, keyTable(t.cell));
      byCell.set(
        t.cell,
        cellNoteEncryption({ id: t.cell, keyring, keyId, table, clock: systemClock }).encryptor,
      );
    }
    return byCell;
  };

  try {
    const writers = encryptors();
    const sealed: Array<{ binding: NoteBinding; note: SealedNote }> = [];
    const started = performance.now();
    for (let i = 0; i < notes; i++) {
      const t = tenants[i % tenants.length];
      if (!t) continue;
      const binding = {
        cell: t.cell,
        tenant: t.org,
        senderId: 'bench',
        noteId: `kms-${i}`,
        version: 1,
        patientRef: `pt_bench_${run}_${i}`,
      };
      const event = noteEvent({ patient: t.patient, noteId: binding.noteId });
      sealed.push({
        binding,
        note: await (writers.get(t.cell) as EsdkNoteEncryptor).encrypt(event, binding),
      });
    }
    const encryptSeconds = (performance.now() - started) / 1000;
    const generateDataKeyCalls = kms.commandCalls(GenerateDataKeyCommand).length;

    const readers = encryptors();
    const decryptStarted = performance.now();
    for (const { binding, note } of sealed) {
      await (readers.get(binding.cell) as EsdkNoteEncryptor).decrypt(note.ciphertext, binding);
    }
    const decryptSeconds = (performance.now() - decryptStarted) / 1000;
    const decryptCalls = kms.commandCalls(DecryptCommand).length;
    return {
      notes,
      tenants: tenants.length,
      cells: new Set(tenants.map((t) => t.cell)).size,
      generateDataKeyCalls,
      decryptCalls,
      encryptPer1000: (generateDataKeyCalls * 1000) / notes,
      decryptPer1000: (decryptCalls * 1000) / notes,
      encryptSeconds,
      decryptSeconds,
    };
  } finally {
    kms.restore();
  }
}
