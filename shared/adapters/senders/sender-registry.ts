import type { CallbackUrlRules } from '../../domain/callback-url.js';
import { AppError } from '../../domain/errors.js';
import { SecretNotFound, type SecretSource } from '../../ports/secret-source.js';
import type { Sender, SenderRegistry } from '../../ports/sender-registry.js';
import { loadedSender, STRICT_CALLBACK_RULES } from './checked-sender.js';
import { SenderSettings, SendersFile } from './sender-settings.js';

/** Finds a sender's settings in a secret's value. */
type Lookup = (senderId: string) => SenderSettings | undefined;

/** Where senders' settings sit in a secret source, and how long a read stays fresh. */
export interface SenderLayout {
  /** The secret that holds `senderId`'s settings. */
  secretOf(senderId: string): string;
  /** Parses a secret's value; throws when it is invalid. */
  parse(value: string): Lookup;
  /** A missing secret: an unknown sender (one secret per sender), or a failure (one secret for all). */
  missing: 'unknown-sender' | 'failure';
  /** A request never sees a read older than this; past half of it, reads are refreshed in the background. */
  ttlMs: number;
}

/** Every sender in one JSON file `{"senders": {"<id>": {...}}}` (the local runtime), re-read every second. */
export const sendersFileLayout = (path: string, ttlMs = 1000): SenderLayout => ({
  secretOf: () => path,
  parse: (value) => {
    const { senders } = SendersFile.parse(JSON.parse(value));
    return (id) => (Object.hasOwn(senders, id) ? senders[id] : undefined);
  },
  missing: 'failure',
  ttlMs,
});

/** One secret per sender, `<prefix><senderId>` (Secrets Manager in AWS), kept for five minutes. */
export const senderSecretsLayout = (prefix: string, ttlMs = 5 * 60_000): SenderLayout => ({
  secretOf: (id) => `${prefix}${id}`,
  parse: (value) => {
    const settings = SenderSettings.parse(JSON.parse(value));
    return () => settings;
  },
  missing: 'unknown-sender',
  ttlMs,
});

interface Read {
  /** When the read started: the value is at least that recent. */
  at: number;
  lookup?: Lookup;
  error?: unknown;
}

/**
 * Senders from a secret source (a file locally, Secrets Manager in AWS), laid out
 * as `layout` says. Reads are cached per secret: a rotation is picked up within
 * the layout's time-to-live without a read per request, and under steady traffic
 * no request waits for the source. A failed read (unreachable or invalid) fails the
 * request that next reads. Callback URLs are checked as senders load (`rules`:
 * strict unless the local stack says otherwise).
 */
export class SecretSenderRegistry implements SenderRegistry {
  private readonly reads = new Map<string, Read>();
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly secrets: SecretSource,
    private readonly layout: SenderLayout,
    private readonly rules: CallbackUrlRules = STRICT_CALLBACK_RULES,
  ) {}

  async get(senderId: string): Promise<Sender | undefined> {
    const name = this.layout.secretOf(senderId);
    const cached = this.reads.get(name);
    const age = cached && !cached.error ? Date.now() - cached.at : Number.POSITIVE_INFINITY;
    if (age >= this.layout.ttlMs) this.reads.set(name, await this.read(name));
    else if (age >= this.layout.ttlMs / 2) this.refreshInBackground(name);
    const { lookup, error } = this.reads.get(name) ?? {};
    if (error) throw new AppError('storage-unavailable', 'sender settings unavailable', {}, { cause: error });
    const settings = lookup?.(senderId);
    return settings ? loadedSender(senderId, settings, this.rules) : undefined;
  }

  private refreshInBackground(name: string): void {
    if (this.refreshing.has(name)) return;
    const refresh = this.read(name).then((read) => {
      if (read.at > (this.reads.get(name)?.at ?? 0)) this.reads.set(name, read);
      this.refreshing.delete(name);
    });
    this.refreshing.set(name, refresh);
  }

  private async read(name: string): Promise<Read> {
    const at = Date.now();
    try {
      return { at, lookup: this.layout.parse((await this.secrets.read(name)).toString('utf8')) };
    } catch (error) {
      if (error instanceof SecretNotFound && this.layout.missing === 'unknown-sender')
        return { at, lookup: () => undefined };
      return { at, error };
    }
  }
}
