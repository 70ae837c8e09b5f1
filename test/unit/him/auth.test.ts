import { generateKeyPair } from 'jose';
import { ROUTES } from '../../../functions/him-api/routes.js';
import { HIM_ROLE_NAMES } from '../../../shared/domain/audit/entry.js';
import { himFixture } from './fixture.js';

/** A concrete request path for each route template. */
const concrete = (path: string) =>
  path.replace('{senderId}', 's1').replace('{noteId}', 'n1').replace('{version}', '1');

let fx: Awaited<ReturnType<typeof himFixture>>;
beforeAll(async () => {
  fx = await himFixture();
});
afterAll(() => fx.client.destroy());

describe('HIM API authentication', () => {
  it('answers 401 with a Bearer challenge when there is no token', async () => {
    // Act
    const res = await fx.call('GET', 'ledger');
    // Assess
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 401 for an expired token', async () => {
    const token = await fx.tokens.sign(
      { 'cognito:groups': ['him-reviewer'] },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    const res = await fx.call('GET', 'ledger', { token });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '{}').detail).toMatch(/expired/);
  });

  it('answers 401 for a token without an expiry', async () => {
    const token = await fx.tokens.sign({ 'cognito:groups': ['him-reviewer'] }, { exp: null });
    const res = await fx.call('GET', 'whoami', { token });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '{}').detail).toMatch(/"exp"/);
  });

  it('accepts Cognito access tokens and answers 401 for its ID tokens', async () => {
    const claims = { 'cognito:groups': ['him-reviewer'], client_id: 'visitbridge-him' };
    const access = await fx.tokens.sign({ ...claims, token_use: 'access' });
    const id = await fx.tokens.sign({ ...claims, token_use: 'id' });
    expect((await fx.call('GET', 'whoami', { token: access })).statusCode).toBe(200);
    const refused = await fx.call('GET', 'whoami', { token: id });
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body ?? '{}').detail).toMatch(/access token/);
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'gb'],
    ['not-a-country', 'XX'],
  ])(
    "refuses to show a note when the token's country is %s, with 403 viewer-country-unknown, decrypting nothing",
    async (reason, country) => {
      // Prepare
      const token = await fx.tokens.forRoles(['privacy-officer'], country);
      const target = `note:s1/n-${reason}/1/version`;
      // Act
      const res = await fx.call('GET', `notes/s1/n-${reason}/1?purpose=treatment`, { token });
      // Assess: refused before the note is looked up (a missing note would be 404).
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body ?? '{}')).toMatchObject({
        type: expect.stringMatching(/viewer-country-unknown$/),
        reason,
        detail: expect.stringMatching(/custom:country/),
      });
      const { entries } = await fx.deps.audit.query({}, { limit: 1000 });
      expect(entries.find((e) => e.target === target)).toMatchObject({
        action: 'notes.view',
        purpose: 'treatment',
        outcome: 'viewer-country-unknown',
      });
    },
  );

  it('answers 400 naming the purposes when a note view states no allowed purpose', async () => {
    const token = await fx.tokens.forRoles(['privacy-officer'], 'GB');
    for (const query of ['', '?purpose=curiosity']) {
      const res = await fx.call('GET', `notes/s1/n-purpose/1${query}`, { token });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(/purpose.*treatment/);
    }
  });

  it('answers 401 for a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await fx.tokens.sign({ 'cognito:groups': ['him-reviewer'] }, { key: privateKey });
    expect((await fx.call('GET', 'ledger', { token })).statusCode).toBe(401);
  });

  it('answers 401 for a token from another issuer', async () => {
    const token = await fx.tokens.sign({ 'cognito:groups': ['him-reviewer'] }, { iss: 'https://evil.test' });
    const res = await fx.call('GET', 'ledger', { token });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '{}').detail).toMatch(/"iss"/);
  });

  it('answers 401 for a token issued for another audience', async () => {
    const token = await fx.tokens.sign({ 'cognito:groups': ['him-reviewer'] }, { aud: 'another-app' });
    expect((await fx.call('GET', 'ledger', { token })).statusCode).toBe(401);
  });

  it('accepts a Cognito access token whose client_id is the audience', async () => {
    const token = await fx.tokens.sign(
      { 'cognito:groups': ['him-reviewer'], client_id: 'visitbridge-him' },
      { aud: 'unused' },
    );
    expect((await fx.call('GET', 'whoami', { token })).statusCode).toBe(200);
  });
});

describe('HIM API roles', () => {
  const cases = ROUTES.flatMap((route) =>
    HIM_ROLE_NAMES.filter((role) => !route.roles.includes(role)).map((role) => ({
      role,
      method: route.method,
      path: concrete(route.path),
    })),
  );

  it.each(cases)('refuses $role on $method $path with 403', async ({ role, method, path }) => {
    // Prepare
    const token = await fx.tokens.forRoles([role]);
    // Act
    const res = await fx.call(method, path, { token, body: method === 'POST' ? {} : undefined });
    // Assess
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body ?? '{}').requiredRoles).toEqual(
      ROUTES.find((r) => r.method === method && concrete(r.path) === path)?.roles,
    );
  });

  it('refuses a token without any HIM role on every route', async () => {
    const token = await fx.tokens.forRoles(['some-other-group']);
    for (const route of ROUTES) {
      expect((await fx.call(route.method, concrete(route.path), { token })).statusCode).toBe(403);
    }
  });

  it('records a refused call in the audit log with the caller and outcome forbidden', async () => {
    // Prepare
    const token = await fx.tokens.forRoles(['him-reviewer']);
    // Act
    await fx.call('GET', 'notes/s1/n-refused/1', { token });
    // Assess
    const { entries } = await fx.deps.audit.query({}, { limit: 1000 });
    expect(entries.find((e) => e.target === 'note:s1/n-refused/1/version')).toMatchObject({
      actor: 'him:alice',
      role: 'him-reviewer',
      action: 'notes.view',
      outcome: 'forbidden',
      sourceIp: '198.51.100.7',
    });
  });

  it('lets every role call whoami without writing an audit entry', async () => {
    const before = (await fx.deps.audit.heads())[0]?.seq;
    for (const role of HIM_ROLE_NAMES) {
      const res = await fx.call('GET', 'whoami', { token: await fx.tokens.forRoles([role]) });
      expect(JSON.parse(res.body ?? '{}')).toEqual({
        user: 'alice',
        roles: [role],
        cell: 'uk',
        jurisdiction: 'United Kingdom',
      });
    }
    expect((await fx.deps.audit.heads())[0]?.seq).toBe(before);
  });
});

describe('HIM API CORS', () => {
  it('answers a preflight from an allowed origin without a token', async () => {
    const res = await fx.call('OPTIONS', 'ledger', { headers: { origin: 'https://console.test' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers?.['access-control-allow-origin']).toBe('https://console.test');
  });

  it('adds no CORS header for an origin not listed', async () => {
    const res = await fx.call('GET', 'whoami', {
      token: await fx.tokens.forRoles(['him-reviewer']),
      headers: { origin: 'https://evil.test' },
    });
    expect(res.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});
