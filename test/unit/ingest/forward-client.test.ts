import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { FORWARDED_FROM_HEADER, forwardClient } from '../../../functions/ingest/forward-client.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const RECEIPT = {
  noteId: 'n-1',
  version: 1,
  cell: 'uk',
  receivedAt: '2026-11-25T10:00:00.000Z',
  deliveryStatusUrl: 'http://127.0.0.1/uk/v1/senders/acme/notes/n-1/versions/1/delivery?sig=x',
};

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(
  respond: (seen: Seen, res: ServerResponse, count: number) => void,
): Promise<{ url: URL; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      respond(entry, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/uk/v1/forwarded/acme`), seen, server };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const send = (url: URL, timeoutMs = 2000) =>
  forwardClient({ secret: SECRET, timeoutMs })({
    url,
    webhookId: 'msg_original',
    body: '{"exact":  "bytes"}',
    fromCell: 'us',
  });

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
};

describe('forwardClient', () => {
  it('posts the exact body under the original webhook-id, signed with the forwarding secret', async () => {
    // Prepare
    const home = await serve((_seen, res) => json(res, 202, RECEIPT));
    // Act
    const result = await send(home.url);
    await close(home.server);
    // Assess
    expect(result).toEqual({ status: 202, receipt: RECEIPT });
    const [request] = home.seen;
    expect(request?.body).toBe('{"exact":  "bytes"}');
    expect(request?.headers['webhook-id']).toBe('msg_original');
    expect(request?.headers[FORWARDED_FROM_HEADER]).toBe('us');
    expect(() =>
      new Webhook(SECRET).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).not.toThrow();
  });

  it("returns the home cell's 200 and receipt unchanged", async () => {
    // Prepare
    const home = await serve((_seen, res) => json(res, 200, RECEIPT));
    // Act
    const result = await send(home.url);
    await close(home.server);
    // Assess
    expect(result).toEqual({ status: 200, receipt: RECEIPT });
  });

  it("passes a home cell's problem through as the same code, detail and extensions", async () => {
    // Prepare
    const problem = {
      type: 'https://visitbridge.dev/problems/version-conflict',
      title: 'Note version already received with different content',
      status: 409,
      detail: 'send an amendment',
      noteId: 'n-1',
      version: 1,
    };
    const home = await serve((_seen, res) => json(res, 409, problem, 'application/problem+json'));
    // Act
    const outcome = send(home.url);
    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'version-conflict',
      detail: 'send an amendment',
      extensions: { noteId: 'n-1', version: 1 },
    });
    await close(home.server);
  });

  it("turns a refusal of the forwarding hop's own signature into forward-failed", async () => {
    // Prepare
    const problem = { type: 'https://visitbridge.dev/problems/invalid-signature', status: 401, detail: 'x' };
    const home = await serve((_seen, res) => json(res, 401, problem, 'application/problem+json'));
    // Act
    const outcome = send(home.url);
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
    await close(home.server);
  });

  it('turns an answer that is neither receipt nor known problem into forward-failed', async () => {
    // Prepare
    const home = await serve((_seen, res) => json(res, 502, { message: 'bad gateway' }));
    // Act
    const outcome = send(home.url);
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
    await close(home.server);
  });

  it('retries once when the connection fails, then succeeds', async () => {
    // Prepare: the first request's connection is dropped without an answer.
    const home = await serve((_seen, res, count) => {
      if (count === 1) res.socket?.destroy();
      else json(res, 202, RECEIPT);
    });
    // Act
    const result = await send(home.url);
    await close(home.server);
    // Assess
    expect(result.status).toBe(202);
    expect(home.seen.map((s) => s.headers['webhook-id'])).toEqual(['msg_original', 'msg_original']);
  });

  it('fails with forward-failed after two timed-out attempts', async () => {
    // Prepare: the home cell never answers.
    const home = await serve(() => undefined);
    // Act
    const outcome = send(home.url, 200);
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
    expect(home.seen).toHaveLength(2);
    await close(home.server);
  });

  it('fails with forward-failed when the home cell is unreachable', async () => {
    // Prepare: a port that was just freed.
    const gone = await serve(() => undefined);
    await close(gone.server);
    // Act
    const outcome = send(gone.url);
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'forward-failed' });
  });
});
