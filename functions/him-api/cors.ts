import { type HttpEvent, type HttpResult, header } from '../../shared/http/apigw.js';
import { ACTION_HEADER } from './action-id.js';

/** CORS headers for a request from an allowed origin (none for others: the browser then blocks the response). */
export function corsHeaders(event: HttpEvent, allowed: readonly string[]): Record<string, string> {
  const origin = header(event, 'origin');
  if (!origin || !allowed.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The answer to an `OPTIONS` preflight: allowed methods and headers for allowed origins. */
export function preflight(event: HttpEvent, allowed: readonly string[]): HttpResult {
  const cors = corsHeaders(event, allowed);
  return {
    statusCode: 204,
    headers: cors['access-control-allow-origin']
      ? {
          ...cors,
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': `authorization, content-type, ${ACTION_HEADER}`,
          'access-control-max-age': '600',
        }
      : {},
  };
}
