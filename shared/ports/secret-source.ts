/** How a source may create a missing secret: its first value, made once. */
export type InitialSecret = () => Promise<string | Uint8Array> | string | Uint8Array;

/**
 * Where a cell's functions read their secrets and keys: sender settings, the
 * forwarding secret, the SMART client keys, the pseudonymisation key. Files
 * locally (created on first use), Secrets Manager in AWS (created by CDK).
 */
export interface SecretSource {
  /**
   * The value of the secret `name`: a file path locally, a secret's ARN or name in AWS.
   * A source that can create secrets (files) creates a missing one from `initial()`, once and
   * atomically: concurrent callers all get the first value written.
   *
   * @throws SecretNotFound when the secret does not exist and is not created here.
   */
  read(name: string, initial?: InitialSecret): Promise<Buffer>;
}

/** A secret that does not exist (and that the source was not asked to create). */
export class SecretNotFound extends Error {
  override readonly name = 'SecretNotFound';

  constructor(
    readonly secret: string,
    options?: { cause?: unknown },
  ) {
    super(`secret ${secret} does not exist`, options);
  }
}
