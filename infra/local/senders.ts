import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SendersFile } from '../../shared/adapters/senders/sender-settings.js';
import { DEMO_SENDER_ID } from './settings.js';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The local senders file (the stand-in for Secrets Manager). Keeps senders a user
 * added; makes sure the demo sender exists, with the secret from the environment
 * when one is given, else the one generated on first start. The file holds
 * secrets: it is kept 0600, also when an earlier run left it wider.
 */
export async function ensureSendersFile(
  path: string,
  demoSecret?: string,
): Promise<{ demoSecret: string; generated: boolean }> {
  let file: SendersFile = { senders: {} };
  try {
    file = SendersFile.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`invalid senders file ${path}`, { cause: error });
  }
  const existing = file.senders[DEMO_SENDER_ID];
  const secret = demoSecret ?? existing?.secrets[0] ?? newWebhookSecret();
  const generated = !demoSecret && !existing;
  file.senders[DEMO_SENDER_ID] = { ...existing, secrets: [secret] };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return { demoSecret: secret, generated };
}

/** Reads the demo sender's secret from a running stack's data folder. */
export async function readDemoSecret(path: string): Promise<string | undefined> {
  try {
    return SendersFile.parse(JSON.parse(await readFile(path, 'utf8'))).senders[DEMO_SENDER_ID]?.secrets[0];
  } catch {
    return undefined;
  }
}
