import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CallbackUrlRules } from '../../domain/callback-url.js';
import { AppError } from '../../domain/errors.js';
import type { Sender, SenderRegistry } from '../../ports/sender-registry.js';
import { loadedSender, STRICT_CALLBACK_RULES } from './checked-sender.js';
import { SenderSettings } from './file-sender-registry.js';

/**
 * Senders from Secrets Manager: secret `<prefix><senderId>` holds the sender's
 * settings JSON. Cached for `ttlMs` so a rotation is picked up within minutes
 * without a call per request. Callback URLs are checked as senders load (strict by default).
 */
export class SecretsManagerSenderRegistry implements SenderRegistry {
  private readonly cache = new Map<string, { at: number; sender: Sender | undefined }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
    private readonly ttlMs = 5 * 60_000,
    private readonly rules: CallbackUrlRules = STRICT_CALLBACK_RULES,
  ) {}

  async get(senderId: string): Promise<Sender | undefined> {
    const hit = this.cache.get(senderId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.sender;
    const sender = await this.fetch(senderId);
    this.cache.set(senderId, { at: Date.now(), sender });
    return sender;
  }

  private async fetch(senderId: string): Promise<Sender | undefined> {
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: `${this.prefix}${senderId}` }),
      );
      const settings = SenderSettings.parse(JSON.parse(out.SecretString ?? '{}'));
      return loadedSender(senderId, settings, this.rules);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw new AppError('storage-unavailable', 'sender settings unavailable', {}, { cause: error });
    }
  }
}
