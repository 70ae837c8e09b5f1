import { randomBytes } from 'node:crypto';
import type { SecretSource } from '../../ports/secret-source.js';

const BASE64 = /^[A-Za-z0-9+/]+=*$/;

/**
 * The cell-local pseudonymisation key from the cell's secret source: 32 random
 * bytes in a file locally (created on first start); in AWS a secret holding 32+
 * random bytes as base64 or the generated password string CDK creates.
 *
 * @throws when the key holds fewer than 32 bytes.
 */
export async function loadPseudonymKey(secrets: SecretSource, name: string): Promise<Buffer> {
  const value = await secrets.read(name, () => randomBytes(32));
  const text = value.toString('utf8').trim();
  const key = BASE64.test(text) && text.length >= 44 ? Buffer.from(text, 'base64') : value;
  if (key.length < 32) throw new Error('the pseudonymisation key must hold at least 32 bytes');
  return key;
}
