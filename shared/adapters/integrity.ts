import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { DigestAnchor } from '../ports/digest-anchor.js';
import type { DigestSigner } from '../ports/digest-signer.js';
import { S3DigestAnchor } from './aws/s3-digest-anchor.js';
import { SDK_CLIENT_DEFAULTS } from './aws/sdk-client.js';
import { KmsDigestSigner } from './crypto/digest-kms.js';
import { LocalDigestSigner } from './crypto/digest-local.js';
import { FileDigestAnchor } from './fs/file-digest-anchor.js';

/** The integrity settings of a function's environment (see `IntegrityFields` in shared/config/env.ts). */
export interface IntegritySettings {
  DIGEST_KEY_ARN?: string | undefined;
  DIGEST_KEY_FILE?: string | undefined;
  DIGEST_BUCKET?: string | undefined;
  DIGEST_ANCHOR_DIR?: string | undefined;
}

/**
 * The digest key and anchor of a cell, chosen by configuration: KMS and S3 in AWS,
 * a key file and a folder locally. Built once per cold start by the functions that
 * verify (HIM API) or seal (digest function).
 *
 * @throws when neither or both of a pair is configured, or the local key file is unusable.
 */
export async function integrityAdapters(
  settings: IntegritySettings,
  cell: string,
  region: string,
): Promise<{ signer: DigestSigner; anchor: DigestAnchor }> {
  const signer = settings.DIGEST_KEY_ARN
    ? new KmsDigestSigner(new KMSClient({ ...SDK_CLIENT_DEFAULTS, region }), settings.DIGEST_KEY_ARN)
    : await LocalDigestSigner.fromKeyFile(required(settings.DIGEST_KEY_FILE, 'DIGEST_KEY_FILE'));
  const anchor = settings.DIGEST_BUCKET
    ? new S3DigestAnchor({
        client: new S3Client({ ...SDK_CLIENT_DEFAULTS, region }),
        bucket: settings.DIGEST_BUCKET,
        cellId: cell,
      })
    : new FileDigestAnchor(required(settings.DIGEST_ANCHOR_DIR, 'DIGEST_ANCHOR_DIR'), cell);
  return { signer, anchor };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`invalid configuration: ${name} is required`);
  return value;
}
