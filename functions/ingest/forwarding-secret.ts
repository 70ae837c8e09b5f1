import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const WHSEC = /^whsec_[A-Za-z0-9+/=]{16,}$/;

/**
 * The cell-to-cell forwarding secrets (Standard Webhooks `whsec_…`): the first
 * signs forwarded notes, any one verifies them, so a rotation lists the new
 * secret first and keeps the old one until every cell has it.
 *
 * Locally a file shared by every cell of a stack, created (mode 0600) on first
 * use; in AWS a Secrets Manager secret holding the same whitespace-separated form.
 *
 * @throws Error when the source is missing or does not hold `whsec_` secrets (a
 *   cell that cannot forward must not start).
 */
export async function loadForwardingSecrets(
  source: { file?: string; secretArn?: string },
  sm?: () => SecretsManagerClient,
): Promise<string[]> {
  if (source.file) return parseSecrets(await readOrCreate(source.file), source.file);
  if (!source.secretArn || !sm) throw new Error('no forwarding secret source configured');
  const out = await sm().send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  return parseSecrets(out.SecretString ?? '', 'the FORWARD_SECRET_ARN secret');
}

function parseSecrets(text: string, where: string): string[] {
  const secrets = text.split(/\s+/).filter(Boolean);
  if (secrets.length === 0 || !secrets.every((s) => WHSEC.test(s))) {
    throw new Error(`${where} must hold one or more whsec_ base64 secrets separated by whitespace`);
  }
  return secrets;
}

/**
 * Reads the secret file, creating it first when absent. The new file is written
 * aside and hard-linked into place, so a concurrent starter never reads a
 * half-written file and the first writer wins.
 */
async function readOrCreate(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const aside = `${path}.${randomUUID()}.tmp`;
  await writeFile(aside, `whsec_${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(aside, 0o600);
    await link(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside);
  }
  return readFile(path, 'utf8');
}
