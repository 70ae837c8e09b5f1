import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretNotFound, type SecretSource } from '../../ports/secret-source.js';
import { SDK_CLIENT_DEFAULTS } from './sdk-client.js';

/**
 * Secrets in AWS Secrets Manager: the name is the secret's ARN or name, the value
 * its `SecretString` (CDK creates every secret, so nothing is created here). One
 * client per cold start, made on first use: a function that reads no secret makes none.
 */
export class SecretsManagerSource implements SecretSource {
  private client: SecretsManagerClient | undefined;

  constructor(private readonly region: string) {}

  async read(name: string): Promise<Buffer> {
    this.client ??= new SecretsManagerClient({ ...SDK_CLIENT_DEFAULTS, region: this.region });
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      return Buffer.from(out.SecretString ?? '', 'utf8');
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new SecretNotFound(name, { cause: error });
      throw error;
    }
  }
}
