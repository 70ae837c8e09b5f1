/**
 * The closed set of failure causes. Each maps to one HTTP status and one stable
 * problem `type` in `shared/http/problem.ts`; add a code there when you add one here.
 */
export type ErrorCode =
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'missing-signature-headers'
  | 'invalid-webhook-id'
  | 'unknown-sender'
  | 'invalid-signature'
  | 'stale-timestamp'
  | 'invalid-json'
  | 'invalid-event'
  | 'invalid-coding'
  | 'implausible-date'
  | 'organization-not-allowed'
  | 'unknown-organization'
  | 'unknown-country'
  | 'misdirected-request'
  | 'transfer-denied'
  | 'webhook-id-reused'
  | 'version-conflict'
  | 'not-found'
  | 'invalid-path'
  | 'host-not-allowed'
  | 'request-timeout'
  | 'invalid-cursor'
  | 'invalid-query'
  | 'invalid-action-id'
  | 'method-not-allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'viewer-country-unknown'
  | 'not-parked'
  | 'review-conflict'
  | 'unknown-patient'
  | 'hold-already-released'
  | 'note-expired'
  | 'export-too-large'
  | 'invalid-period'
  | 'invalid-identifier'
  | 'seal-refused'
  | 'ciphertext-mismatch'
  | 'note-erased'
  | 'erasure-blocked'
  | 'erasure-not-previewed'
  | 'erasure-executed'
  | 'storage-unavailable'
  | 'patient-index-building'
  | 'nag-report-unavailable'
  | 'forward-failed'
  | 'internal';

/** A problem detail's machine-readable extension members (never PHI). */
export type ProblemExtensions = Record<string, unknown>;

/**
 * The one error type the application throws on purpose.
 *
 * `detail` is shown to the caller only for 4xx codes (`expose`); 5xx bodies stay
 * generic. Neither `detail` nor `extensions` may carry PHI: they are logged.
 *
 * @example
 * throw new AppError('invalid-event', 'note.version must be a positive integer', { errors });
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extensions: ProblemExtensions = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
