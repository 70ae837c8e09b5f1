import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { type DevIssuer, HIM_ROLES } from './dev-issuer.js';
import { isLoopbackAddress } from './host-guard.js';
import { sendJson, sendProblem } from './server.js';

const MintRequest = z.object({
  user: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/),
  roles: z.array(z.enum(HIM_ROLES)).min(1),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  ttlSeconds: z.int().min(60).max(86_400).optional(),
});

/**
 * The development issuer's HTTP face (local runtime only): its JWKS, and a mint
 * endpoint the console's "sign in with a dev token" and the CLI use. It mints
 * only for clients on this machine (loopback peers), whatever `HOST` the stack
 * listens on; anyone else gets 403. The public JWKS is served to all.
 */
export async function serveDevIssuer(
  issuer: DevIssuer,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (req.method === 'GET' && path === '/dev-issuer/.well-known/jwks.json')
    return sendJson(res, 200, issuer.jwks);
  if (req.method === 'POST' && path === '/dev-issuer/token') {
    if (!isLoopbackAddress(req.socket.remoteAddress))
      return sendProblem(
        res,
        new AppError('forbidden', 'the development issuer mints tokens for clients on this machine only'),
      );
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'body must be JSON' });
    }
    const parsed = MintRequest.safeParse(body);
    if (!parsed.success) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        error_description: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    const token = await issuer.mint(parsed.data);
    return sendJson(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: parsed.data.ttlSeconds ?? 3600,
    });
  }
  sendJson(res, 404, { error: 'not_found' });
}
