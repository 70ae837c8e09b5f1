import { randomBytes } from 'node:crypto';
import type { SecretSource } from '../../shared/ports/secret-source.js';

const WHSEC = /^whsec_[A-Za-z0-9+/=]{16,}$/;

/**
 * The cell-to-cell forwarding secrets (Standard Webhooks `whsec_…`): the first
 * signs forwarded notes, any one verifies them, so a rotation lists the new
 * secret first and keeps the old one until every cell has it.
 *
 * Locally a file shared by every cell of a stack, created on first use; in AWS a
 * Secrets Manager secret holding the same whitespace-separated form.
 *
 * @throws Error when the secret does not hold `whsec_` secrets (a cell that cannot
 *   forward must not start).
 */
export async function loadForwardingSecrets(secrets: SecretSource, name: string): Promise<string[]> {
  const value = await secrets.read(name, () => `whsec_${randomBytes(32).toString('base64')}\n`);
  const list = value.toString('utf8').split(/\s+/).filter(Boolean);
  if (list.length === 0 || !list.every((s) => WHSEC.test(s))) {
    throw new Error(
      `the forwarding secret ${name} must hold one or more whsec_ base64 secrets separated by whitespace`,
    );
  }
  return list;
}
