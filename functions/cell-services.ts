import { KMS } from '@aws-sdk/client-kms';
import { SDK_CLIENT_DEFAULTS } from '../shared/adapters/aws/sdk-client.js';
import { SecretsManagerSource } from '../shared/adapters/aws/secrets-manager-source.js';
import { HmacPseudonymizer } from '../shared/adapters/crypto/hmac-pseudonymizer.js';
import { kmsKeyring, localKeyring } from '../shared/adapters/crypto/keyrings.js';
import { cellNoteEncryption, type EsdkNoteEncryptor } from '../shared/adapters/crypto/note-encryptor.js';
import type { EsdkPatientKeys } from '../shared/adapters/crypto/patient-keys.js';
import { loadPseudonymKey } from '../shared/adapters/crypto/pseudonym-key.js';
import { DynamoPatientKeyTable } from '../shared/adapters/dynamodb/patient-key-table.js';
import { FileSecretSource } from '../shared/adapters/fs/file-secret-source.js';
import type { CellEnv } from '../shared/config/env.js';
import type { SecretSource } from '../shared/ports/secret-source.js';
import { buildCellCore, type CellCore, type FunctionKind } from './cell-core.js';

/** What the functions that read or write notes add: the cell's keys and where its secrets are. */
export interface CellServices extends CellCore {
  /** Files locally, Secrets Manager in AWS. */
  secrets: SecretSource;
  encryptor: EsdkNoteEncryptor;
  /** Per-patient keys under the cell key: the encryptor's, and what erasure destroys. */
  patientKeys: EsdkPatientKeys;
  /** The note key (KMS key ARN, or `local:cell-<id>`) and its region, as ledger entries name it. */
  key: { id: string; region: string };
  pseudonymizer: HmacPseudonymizer;
}

/**
 * The cell's services for a function that handles notes: the core, the secret
 * source (files when the environment names key files, else Secrets Manager), the
 * per-patient keys wrapped under the cell's key (KMS in AWS, a local key file created on
 * first start), the note encryptor on them, and the pseudonymiser on the cell's own key.
 *
 * @throws Error when the policy, a key or a secret is unusable, before any request.
 */
export async function buildCellServices(env: CellEnv, fn: FunctionKind): Promise<CellServices> {
  const core = buildCellCore(env, fn);
  const secrets: SecretSource = env.LOCAL_KEY_FILE
    ? new FileSecretSource()
    : new SecretsManagerSource(core.region);
  const { keyring, keyId } = env.KMS_KEY_ARN
    ? kmsKeyring(env.KMS_KEY_ARN, new KMS({ ...SDK_CLIENT_DEFAULTS, region: core.region }))
    : await localKeyring(env.CELL_ID, secrets, env.LOCAL_KEY_FILE ?? '');
  const pseudonymKey = await loadPseudonymKey(
    secrets,
    secretName(env.PSEUDONYM_KEY_FILE, env.PSEUDONYM_KEY_SECRET_ARN),
  );
  const { patientKeys, encryptor } = cellNoteEncryption({
    id: env.CELL_ID,
    keyring,
    keyId,
    table: new DynamoPatientKeyTable(core.dynamo, env.PATIENT_KEY_TABLE),
    clock: core.clock,
  });
  return {
    ...core,
    secrets,
    encryptor,
    patientKeys,
    key: { id: keyId, region: core.region },
    pseudonymizer: new HmacPseudonymizer(pseudonymKey),
  };
}

/** The one of a local/AWS pair the environment sets (the schemas check exactly one is). */
export const secretName = (local: string | undefined, aws: string | undefined): string => local ?? aws ?? '';
