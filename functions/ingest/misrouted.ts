import { AppError } from '../../shared/domain/errors.js';
import type { MisroutedHandler } from './accept-note.js';

/** `reject` misrouting: 421 naming the endpoint the sender should have used. Nothing is stored. */
export function rejectMisrouted(cellEndpoints: Record<string, string>): MisroutedHandler {
  return async ({ webhook, homeCell }) => {
    const base = cellEndpoints[homeCell];
    const correctEndpoint = base
      ? new URL(`v1/webhooks/${encodeURIComponent(webhook.sender.id)}`, base).toString()
      : undefined;
    throw new AppError(
      'misdirected-request',
      `the patient's residence country belongs to cell "${homeCell}"; post this note to ${correctEndpoint ?? `the "${homeCell}" cell`}`,
      { homeCell, correctEndpoint },
    );
  };
}
