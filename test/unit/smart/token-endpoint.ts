import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';

export interface TokenEndpoint {
  tokenUrl: string;
  /** Verified assertion claims, one per accepted request. */
  assertions: JWTPayload[];
  /** Form fields of every request. */
  forms: URLSearchParams[];
  close(): Promise<void>;
}

export interface TokenEndpointOptions {
  clientId: string;
  jwks: JSONWebKeySet;
  expiresIn?: number;
  /** Answer every request with this status and body instead of a token. */
  fail?: { status: number; body: unknown };
  /** Delay before answering, to let concurrent callers pile up. */
  delayMs?: number;
  /** The endpoint's clock in ms, shared with the client under test when it moves time. */
  now?: () => number;
}

/**
 * A minimal SMART Backend Services token endpoint on 127.0.0.1: verifies the
 * client assertion against the client's JWKS (signature, iss, sub, aud, exp at
 * most five minutes out, jti present) and issues `access-<n>` tokens.
 */
export async function startTokenEndpoint(options: TokenEndpointOptions): Promise<TokenEndpoint> {
  const jwks = createLocalJWKSet(options.jwks);
  const now = options.now ?? Date.now;
  const assertions: JWTPayload[] = [];
  const forms: URLSearchParams[] = [];
  let tokenUrl = '';
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    forms.push(form);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.fail) return send(options.fail.status, options.fail.body);
    try {
      if (form.get('grant_type') !== 'client_credentials') throw new Error('grant_type');
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        throw new Error('client_assertion_type');
      }
      const { payload } = await jwtVerify(form.get('client_assertion') ?? '', jwks, {
        issuer: options.clientId,
        subject: options.clientId,
        audience: tokenUrl,
        algorithms: ['RS384', 'ES384'],
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now()),
      });
      if ((payload.exp ?? 0) - Math.floor(now() / 1000) > 300) throw new Error('exp too far');
      assertions.push(payload);
      send(200, {
        access_token: `access-${assertions.length}`,
        token_type: 'bearer',
        expires_in: options.expiresIn ?? 300,
      });
    } catch {
      send(400, { error: 'invalid_client' });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/token`;
  return {
    tokenUrl,
    assertions,
    forms,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
