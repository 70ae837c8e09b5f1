import { Webhook } from 'standardwebhooks';
import { AppError, type ErrorCode } from '../../shared/domain/errors.js';
import { Receipt } from '../../shared/domain/event/schema.js';
import { PROBLEM_BASE, PROBLEMS } from '../../shared/http/problem.js';
import type { IngestResult } from './accept-note.js';

/** Header naming the cell a forwarded note came from (for logs; the signature is what is trusted). */
export const FORWARDED_FROM_HEADER = 'visitbridge-forwarded-from';

export interface ForwardRequest {
  /** The home cell's forwarded route for this sender. */
  url: URL;
  /** The sender's original `webhook-id`: idempotency holds end to end. */
  webhookId: string;
  /** The exact raw body the sender signed. */
  body: string;
  fromCell: string;
}

/** Sends a note on to its home cell. */
export type Forwarder = (request: ForwardRequest) => Promise<IngestResult>;

export interface ForwardClientOptions {
  /** The forwarding secret that signs (`whsec_…`). */
  secret: string;
  timeoutMs: number;
  /** Tries when the home cell cannot be reached (default 2: one retry). */
  attempts?: number;
}

/**
 * Problems of the forwarding hop itself (the cells disagree on the forwarding
 * secret or clock): passing them through would tell the sender that *its*
 * signature is wrong, so they become `forward-failed`.
 */
const HOP_PROBLEMS: ReadonlySet<ErrorCode> = new Set([
  'missing-signature-headers',
  'unknown-sender',
  'invalid-signature',
  'stale-timestamp',
  'unsupported-media-type',
  'not-found',
]);

/**
 * A Forwarder that POSTs the raw body to the home cell, signed with Standard
 * Webhooks under the forwarding secret and the original `webhook-id`, with a
 * timeout per attempt and one retry when the home cell cannot be reached (safe:
 * the home cell is idempotent by `webhook-id`).
 *
 * The home cell's 200/202 come back as they are; its problems come back as the
 * same AppError (same `type`, detail and extensions).
 *
 * @throws AppError('forward-failed') when the home cell cannot be reached, fails
 *   the forwarding hop's authentication, or answers something that is not a receipt or problem.
 */
export function forwardClient(options: ForwardClientOptions): Forwarder {
  const webhook = new Webhook(options.secret);
  const attempts = options.attempts ?? 2;
  return async (request) => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const now = new Date();
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': request.webhookId,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': webhook.sign(request.webhookId, now, request.body),
            [FORWARDED_FROM_HEADER]: request.fromCell,
          },
          body: request.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      return interpret(response);
    }
    throw new AppError(
      'forward-failed',
      `the home cell did not answer after ${attempts} attempt(s)`,
      {},
      { cause: lastError },
    );
  };
}

async function interpret(response: Response): Promise<IngestResult> {
  const text = await response.text().catch(() => '');
  const json = parseJson(text);
  if (response.status === 200 || response.status === 202) {
    const receipt = Receipt.safeParse(json);
    if (receipt.success) return { status: response.status, receipt: receipt.data };
    throw new AppError('forward-failed', `the home cell answered ${response.status} without a receipt`);
  }
  const passed = asAppError(json);
  if (passed) throw passed;
  throw new AppError('forward-failed', `the home cell answered ${response.status} without a known problem`);
}

function asAppError(json: unknown): AppError | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const {
    type,
    title: _title,
    status: _status,
    detail,
    instance: _instance,
    ...extensions
  } = json as Record<string, unknown>;
  if (typeof type !== 'string' || !type.startsWith(PROBLEM_BASE)) return undefined;
  const code = type.slice(PROBLEM_BASE.length);
  if (!Object.hasOwn(PROBLEMS, code)) return undefined;
  const known = code as ErrorCode;
  if (HOP_PROBLEMS.has(known)) {
    return new AppError('forward-failed', `the home cell refused the forwarding hop (${known})`);
  }
  return new AppError(known, typeof detail === 'string' ? detail : PROBLEMS[known].title, extensions);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
