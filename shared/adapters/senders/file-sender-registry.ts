import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { Sender, SenderRegistry } from '../../ports/sender-registry.js';

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
 * local runtime's stand-in for Secrets Manager. Read on first use, then re-read
 * in the background at most once a second: a rotation needs no restart, and no
 * request waits for the disk while the file reads well. A failed read (unreadable
 * or invalid file) fails the request that waits for it; after a failed re-read,
 * the next request reads again and waits.
 */
export class FileSenderRegistry implements SenderRegistry {
  private cache?: { at: number; senders?: SendersFile['senders']; error?: unknown };
  private refreshing?: Promise<void>;

  constructor(
    private readonly path: string,
    private readonly ttlMs = 1000,
  ) {}

  async get(senderId: string): Promise<Sender | undefined> {
    if (!this.cache?.senders) this.cache = await this.read();
    else if (Date.now() - this.cache.at >= this.ttlMs) this.refresh();
    const { senders, error } = this.cache;
    if (!senders) throw error;
    const settings = Object.hasOwn(senders, senderId) ? senders[senderId] : undefined;
    return settings ? { id: senderId, ...settings } : undefined;
  }

  private refresh(): void {
    this.refreshing ??= this.read().then((cache) => {
      this.cache = cache;
      this.refreshing = undefined;
    });
  }

  private async read(): Promise<NonNullable<FileSenderRegistry['cache']>> {
    try {
      const raw = await readFile(this.path, 'utf8');
      return { at: Date.now(), senders: SendersFile.parse(JSON.parse(raw)).senders };
    } catch (error) {
      return { at: Date.now(), error };
    }
  }
}
