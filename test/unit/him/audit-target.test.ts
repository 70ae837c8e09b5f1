import type { HimRequest } from '../../../functions/him-api/route-kit.js';
import { ROUTES } from '../../../functions/him-api/routes.js';

const route = (method: string, path: string) => {
  const found = ROUTES.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
};

const request = (query: Record<string, string>, params: Record<string, string> = {}) =>
  ({
    deps: { pseudonymizer: { patientRef: () => 'pt_ref' } },
    principal: { user: 'alice', roles: ['him-reviewer'] },
    params,
    query,
    event: { body: undefined, isBase64Encoded: false },
  }) as unknown as HimRequest;

describe('audit target of an HIM call', () => {
  it('escapes CR, LF and ESC in query values, so an entry cannot forge a line or steer a terminal', () => {
    const target = route('GET', 'ledger').target(
      request({ noteId: 'n1\r\nGET ledger ok\x1b[2J', kind: 'egress' }),
    );
    expect(target).toBe('ledger?kind=egress&noteId=n1\\x0d\\x0aGET ledger ok\\x1b[2J');
  });

  it('escapes control characters in note ids taken from the path', () => {
    const target = route('GET', 'deliveries/{senderId}/{noteId}/{version}').target(
      request({}, { senderId: 'demo\x1b]0;x\x07', noteId: 'n1', version: '1' }),
    );
    expect(target).toContain('demo\\x1b]0;x\\x07');
    expect([...target].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });
});
