import { stat } from 'node:fs/promises';
import type { HimEnv } from './env.js';
import type { KeyFacts } from './use-cases/context.js';

/** When a local key file was made (its birth time, or its change time where the file system keeps none). */
async function createdAt(file: string | undefined): Promise<{ createdAt?: string }> {
  if (!file) return {};
  const s = await stat(file);
  const born = s.birthtimeMs > 0 ? s.birthtime : s.ctime;
  return { createdAt: born.toISOString() };
}

/**
 * What the HIM API reports of the cell's keys, from its configuration: KMS keys
 * with the rotation the stateful stack sets, local key files with when they were
 * created. Read once per cold start.
 *
 * @throws when a local key file named in the environment cannot be read.
 */
export async function keyFacts(
  env: HimEnv,
  cell: { key: { id: string; region: string }; region: string },
  digestKeyId: string,
): Promise<{ note: KeyFacts; digest: KeyFacts }> {
  const region = cell.region;
  const note: KeyFacts = env.KMS_KEY_ARN
    ? {
        id: cell.key.id,
        region,
        kind: 'KMS symmetric key, single-Region (wraps note data keys)',
        rotation: 'automatic yearly (KMS key rotation, enabled by the stateful stack)',
      }
    : {
        id: cell.key.id,
        region,
        kind: 'local AES-256 key file (wraps note data keys)',
        rotation: 'none: a local development key',
        ...(await createdAt(env.LOCAL_KEY_FILE)),
      };
  const digest: KeyFacts = env.DIGEST_KEY_ARN
    ? {
        id: digestKeyId,
        region,
        kind: 'KMS asymmetric key ECC_NIST_P256, SIGN_VERIFY, single-Region (signs digests and documents)',
        rotation:
          'manual: KMS does not rotate asymmetric keys; a new key needs its public key handed to auditors',
      }
    : {
        id: digestKeyId,
        region,
        kind: 'local EC P-256 key file (signs digests and documents)',
        rotation: 'none: a local development key',
        ...(await createdAt(env.DIGEST_KEY_FILE)),
      };
  return { note, digest };
}
