import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadOrCreateKeyFile } from './keyrings.js';

/**
 * The cell-local pseudonymisation key: a key file locally (created on first
 * start), a Secrets Manager secret in AWS holding 32+ random bytes as base64
 * or the generated password string CDK creates.
 */
export async function loadPseudonymKey(
  source: { file?: string; secretArn?: string },
  sm?: () => SecretsManagerClient,
): Promise<Buffer> {
  if (source.file) return loadOrCreateKeyFile(source.file);
  if (!source.secretArn || !sm) throw new Error('no pseudonymisation key source configured');
  const out = await sm().send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  const value = out.SecretString ?? '';
  const key =
    /^[A-Za-z0-9+/]+=*$/.test(value) && value.length >= 44
      ? Buffer.from(value, 'base64')
      : Buffer.from(value, 'utf8');
  if (key.length < 32) throw new Error('pseudonymisation key secret must hold at least 32 bytes');
  return key;
}
