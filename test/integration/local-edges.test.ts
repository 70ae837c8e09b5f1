import { request } from 'node:http';
import { connect } from 'node:net';
import { DEMO_SENDER_ID } from '../../infra/local/settings.js';
import { MAX_WEBHOOK_ID_LENGTH } from '../../shared/http/middleware/verify-webhook.js';
import { fixturePatients, noteEvent } from '../fixtures/notes.js';
import { scanAll } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { signedHeaders } from '../helpers/signing.js';

const P = 'https://visitbridge.dev/problems/';
const MALFORMED = '%E0%A4%A';

/** A request with a `Host` header of the caller's choosing (fetch does not allow one). */
function withHost(
  url: string,
  host: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.once('error', reject);
    req.end(init.body);
  });
}

/** Sends the headers and the first bytes of a body, then nothing more; resolves with what came back. */
function slowBody(url: string): Promise<string> {
  const { hostname, port, host } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
    socket.write(
      `POST /uk/v1/webhooks/${DEMO_SENDER_ID} HTTP/1.1\r\nHost: ${host}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":',
    );
  });
}

describe('the local gateway at its edges', () => {
  let stack: TestStack;
  let port: string;

  beforeAll(async () => {
    stack = await startTestStack({ VISITBRIDGE_REQUEST_TIMEOUT_MS: '1000' });
    port = new URL(stack.url).port;
  });
  afterAll(async () => stack.dispose());

  const itemCount = async () => {
    const counts = await Promise.all(
      stack.cells.map(async (c) => (await scanAll(stack.dynamoClient, c.tableName)).length),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  describe('Host allow-list', () => {
    it.each(['localhost', '127.0.0.1', '[::1]'])('answers to %s with its port', async (name) => {
      const response = await withHost(`${stack.url}/healthz`, `${name}:${port}`);

      expect(response.status).toBe(200);
    });

    it.each([
      ['a rebound DNS name', () => `attacker.example:${port}`],
      ['a loopback name on another port', () => 'localhost:1'],
      ['a look-alike name', () => `localhost.attacker.example:${port}`],
    ])('refuses %s with 421 problem+json', async (_name, host) => {
      const response = await withHost(`${stack.url}/healthz`, host());

      expect(response.status).toBe(421);
      expect(response.type).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({ type: `${P}host-not-allowed`, status: 421 });
    });

    it("keeps a rebound page away from a sandbox EHR's control API, which registers SMART clients", async () => {
      const sandbox = [...stack.ehrs.sandboxes.values()][0];
      const origin = new URL(sandbox?.origin ?? '');

      const own = await withHost(`${origin}_sandbox/stats`, origin.host);
      const rebound = await withHost(`${origin}_sandbox/stats`, `attacker.example:${origin.port}`);

      expect(own.status).toBe(200);
      expect(rebound.status).toBe(421);
    });

    it('mints no development token for a page reached under a rebound name', async () => {
      const body = JSON.stringify({ user: 'mallory', roles: ['privacy-officer'], country: 'GB' });

      const response = await withHost(`${stack.url}/dev-issuer/token`, `attacker.example:${port}`, {
        method: 'POST',
        body,
      });

      expect(response.status).toBe(421);
      expect(response.body).not.toContain('access_token');
    });
  });

  it('cuts off a request whose body does not arrive in time with 408 problem+json and closes', async () => {
    const received = await slowBody(stack.url);

    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toContain('Content-Type: application/problem+json');
    expect(received).toContain(`"type":"${P}request-timeout"`);
  });

  describe('malformed percent-encoding in the path', () => {
    const signed = () => {
      const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'bad-path' }));
      return { method: 'POST', body, headers: signedHeaders({ secret: stack.demoSecret.value, body }) };
    };
    it.each([
      ['webhooks', `/uk/v1/webhooks/${MALFORMED}`, signed],
      ['forwarded', `/uk/v1/forwarded/${MALFORMED}`, signed],
      ['delivery status', `/uk/v1/senders/${MALFORMED}/notes/n-1/versions/1/delivery`, () => ({})],
      ['HIM API', `/uk/v1/him/notes/${MALFORMED}/n-1/1`, () => ({})],
      ['console', `/console/${MALFORMED}`, () => ({})],
    ])('is a 400 naming the path on the %s route', async (_family, path, init) => {
      const response = await fetch(`${stack.url}${path}`, init());

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = await response.json();
      expect(problem).toMatchObject({ type: `${P}invalid-path`, status: 400 });
      expect(problem.detail).toContain(MALFORMED);
    });
  });

  describe('webhook-id and sender id bounds', () => {
    const post = (id: string, sender = DEMO_SENDER_ID) => {
      const body = JSON.stringify(noteEvent({ patient: fixturePatients.uk, noteId: 'long-id' }));
      return stack.post('uk', `/v1/webhooks/${sender}`, body, {
        ...signedHeaders({ secret: stack.demoSecret.value, body, id }),
      });
    };

    it('refuses a correctly signed 3 KB webhook-id with 400 naming the limit and stores nothing', async () => {
      const before = await itemCount();

      const response = await post(`msg_${'x'.repeat(3000)}`);

      expect(response.status).toBe(400);
      const problem = await response.json();
      expect(problem).toMatchObject({ type: `${P}invalid-webhook-id`, maxLength: MAX_WEBHOOK_ID_LENGTH });
      expect(problem.detail).toContain(String(MAX_WEBHOOK_ID_LENGTH));
      expect(await itemCount()).toBe(before);
    });

    it('accepts a webhook-id of exactly the limit', async () => {
      const response = await post('m'.repeat(MAX_WEBHOOK_ID_LENGTH));

      expect(response.status).toBe(202);
    });

    it('refuses a 3 KB sender id in the path with 400', async () => {
      const response = await post('msg_sender_bound', 's'.repeat(3000));

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: `${P}invalid-path` });
    });
  });
});
