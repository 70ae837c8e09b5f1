import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { AppError } from '../../shared/domain/errors.js';
import { type DevIssuer, DevUser } from './dev-issuer.js';
import type { DevSignIn } from './dev-sign-in.js';
import { isLoopbackAddress } from './host-guard.js';
import { sendJson, sendProblem } from './server.js';

const MintRequest = DevUser.extend({ ttlSeconds: z.int().min(60).max(86_400).optional() });

/**
 * The development issuer's HTTP face (local runtime only): its JWKS, a mint
 * endpoint for scripts (`visitbridge token`) and tests, and everything else under
 * its path handed to the OpenID provider the console signs in at. It mints, and
 * shows the sign-in page, only for clients on this machine (loopback peers),
 * whatever `HOST` the stack listens on; anyone else gets 403. The public JWKS is served to all.
 */
export async function serveDevIssuer(
  issuer: DevIssuer,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  signIn?: DevSignIn,
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
  if (signIn) return signIn.handle(req, res, path.slice(new URL(issuer.issuer).pathname.length));
  sendJson(res, 404, { error: 'not_found' });
}
