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
 * local runtime's stand-in for Secrets Manager. A request never sees a read older
 * than `ttlMs` (a rotation needs no restart); once half of that has passed, the
 * file is re-read in the background, so under steady traffic no request waits for
 * the disk. A failed read (unreadable or invalid file) fails the request that
 * next reads. Callback URLs are checked as senders load (`rules`: strict unless
 * the local stack says otherwise).
 */
export class FileSenderRegistry implements SenderRegistry {
  private cache?: { at: number; senders?: SendersFile['senders']; error?: unknown };
  private refreshing?: Promise<void>;

  constructor(
    private readonly path: string,
    private readonly ttlMs = 1000,
    private readonly rules: CallbackUrlRules = STRICT_CALLBACK_RULES,
  ) {}

  async get(senderId: string): Promise<Sender | undefined> {
    const age = this.cache?.senders ? Date.now() - this.cache.at : Number.POSITIVE_INFINITY;
    if (age >= this.ttlMs) this.cache = await this.read();
    else if (age >= this.ttlMs / 2) this.refreshInBackground();
    const { senders, error } = this.cache ?? {};
    if (!senders) throw error;
    const settings = Object.hasOwn(senders, senderId) ? senders[senderId] : undefined;
    return settings ? loadedSender(senderId, settings, this.rules) : undefined;
  }

  private refreshInBackground(): void {
    this.refreshing ??= this.read().then((cache) => {
      if (cache.at > (this.cache?.at ?? 0)) this.cache = cache;
      this.refreshing = undefined;
    });
  }

  /** `at` is when the read started: the file as read is at least that recent. */
  private async read(): Promise<NonNullable<FileSenderRegistry['cache']>> {
    const at = Date.now();
    try {
      const raw = await readFile(this.path, 'utf8');
      return { at, senders: SendersFile.parse(JSON.parse(raw)).senders };
    } catch (error) {
      return { at, error };
    }
  }
}
