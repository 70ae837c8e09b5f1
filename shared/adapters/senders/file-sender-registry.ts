import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { CallbackUrlRules } from '../../domain/callback-url.js';
import type { Sender, SenderRegistry } from '../../ports/sender-registry.js';
import { loadedSender, STRICT_CALLBACK_RULES } from './checked-sender.js';

/** The stored form of one sender's settings (the same JSON in a file or a Secrets Manager secret). */
export const SenderSettings = z.object({
  secrets: z
    .array(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_ base64 secret'))
    .min(1)
    .max(3),
  organizations: z.array(z.string().min(1)).optional(),
  callbackUrl: z.url().optional(),
});
export type SenderSettings = z.infer<typeof SenderSettings>;

export const SendersFile = z.object({ senders: z.record(z.string(), SenderSettings) });
export type SendersFile = z.infer<typeof SendersFile>;

/**
 * Senders from a JSON file (`{"senders": {"<id>": {"secrets": ["whsec_…"]}}}`), the
 * local runtime's stand-in for Secrets Manager. Re-read at most once a second (not
 * on every request), so a rotation needs no restart and the hot path does no I/O.
 * Callback URLs are checked as senders load (`rules`: strict unless the local stack says otherwise).
 */
export class FileSenderRegistry implements SenderRegistry {
  private cache?: { at: number; senders: SendersFile['senders'] };

  constructor(
    private readonly path: string,
    private readonly ttlMs = 1000,
    private readonly rules: CallbackUrlRules = STRICT_CALLBACK_RULES,
  ) {}

  async get(senderId: string): Promise<Sender | undefined> {
    if (!this.cache || Date.now() - this.cache.at >= this.ttlMs) {
      const raw = await readFile(this.path, 'utf8');
      this.cache = { at: Date.now(), senders: SendersFile.parse(JSON.parse(raw)).senders };
    }
    const settings = Object.hasOwn(this.cache.senders, senderId) ? this.cache.senders[senderId] : undefined;
    return settings ? loadedSender(senderId, settings, this.rules) : undefined;
  }
}
