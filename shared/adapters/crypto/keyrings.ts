import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type KeyringNode,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import type { KMS } from '@aws-sdk/client-kms';

/**
 * Reads a 32-byte key file, creating it (mode 0600, parent folder 0700) on first use.
 * Used for the local wrapping key and the local pseudonymisation key of a cell.
 *
 * @throws when the file exists but does not hold exactly 32 bytes.
 */
export async function loadOrCreateKeyFile(path: string): Promise<Buffer> {
  try {
    const key = await readFile(path);
    if (key.length !== 32) throw new Error(`key file ${path} must hold 32 bytes, found ${key.length}`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    await writeFile(path, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKeyFile(path);
    throw error;
  }
  await chmod(path, 0o600);
  return key;
}

/** Raw AES-256-GCM keyring on the cell's local key file (local runtime). */
export async function localKeyring(
  cell: string,
  keyFile: string,
): Promise<{ keyring: KeyringNode; keyId: string }> {
  const key = await loadOrCreateKeyFile(keyFile);
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
