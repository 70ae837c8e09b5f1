import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createDevIssuer, type DevIssuer } from '../../infra/local/dev-issuer.js';
import { serveDevIssuer } from '../../infra/local/dev-issuer-http.js';

/** A token request as it arrives from `remoteAddress`. */
function mintRequest(remoteAddress: string): IncomingMessage {
  const body = JSON.stringify({ user: 'sam', roles: ['him-reviewer'], country: 'GB' });
  return Object.assign(Readable.from([Buffer.from(body)]), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    socket: { remoteAddress },
  }) as unknown as IncomingMessage;
}

/** Captures what the issuer answers. */
function recorder() {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const res = {
    headersSent: false,
    writeHead(status: number, headers: Record<string, unknown>) {
      out.status = status;
      out.headers = headers;
      return res;
    },
    setHeader: () => res,
    end(body: Buffer) {
      out.body = body.toString();
    },
  };
  return { res: res as unknown as ServerResponse, out };
}

describe('development issuer token endpoint', () => {
  let dir: string;
  let issuer: DevIssuer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-issuer-'));
    issuer = await createDevIssuer({
      keyFile: join(dir, 'keys', 'dev.pem'),
      issuer: 'http://127.0.0.1:1/dev-issuer',
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('mints a token for a client on this machine', async () => {
    const { res, out } = recorder();

    await serveDevIssuer(issuer, mintRequest('127.0.0.1'), res, '/dev-issuer/token');

    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it.each(['192.0.2.2', 'fd00::2', '::ffff:192.0.2.2'])(
    'refuses a client at %s with 403 problem+json and no token',
    async (address) => {
      const { res, out } = recorder();

      await serveDevIssuer(issuer, mintRequest(address), res, '/dev-issuer/token');

      expect(out.status).toBe(403);
      expect(out.headers['content-type']).toBe('application/problem+json');
      expect(out.body).not.toContain('access_token');
    },
  );
});
