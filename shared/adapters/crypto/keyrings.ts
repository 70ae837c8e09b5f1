import { randomBytes } from 'node:crypto';
import {
  type KeyringNode,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import type { KMS } from '@aws-sdk/client-kms';
import type { SecretSource } from '../../ports/secret-source.js';

/** Raw AES-256-GCM keyring on the cell's local key file (local runtime), created on first start. */
export async function localKeyring(
  cell: string,
  secrets: SecretSource,
  keyFile: string,
): Promise<{ keyring: KeyringNode; keyId: string }> {
  const key = await secrets.read(keyFile, () => randomBytes(32));
  if (key.length !== 32) throw new Error(`key file ${keyFile} must hold 32 bytes, found ${key.length}`);
  const keyName = `cell-${cell}`;
  const keyring = new RawAesKeyringNode({
    keyNamespace: 'visitbridge-local',
    keyName,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  return { keyring, keyId: `local:${keyName}` };
}

/** KMS keyring on the cell's single-Region key; the client is injected (one per cold start). */
export function kmsKeyring(keyArn: string, kms: KMS): { keyring: KeyringNode; keyId: string } {
  return {
    keyring: new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => kms }),
    keyId: keyArn,
  };
}
