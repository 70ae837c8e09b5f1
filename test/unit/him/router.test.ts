import { matchPath } from '../../../functions/him-api/router.js';
import { ROUTES } from '../../../functions/him-api/routes.js';

describe('HIM API router', () => {
  it('matches a literal path', () => {
    expect(matchPath(ROUTES, 'GET', 'ledger/verify')).toMatchObject({
      kind: 'match',
      route: { path: 'ledger/verify' },
    });
  });

  it('prefers the literal deliveries/replay over a parameterised route', () => {
    expect(matchPath(ROUTES, 'POST', 'deliveries/replay')).toMatchObject({
      route: { path: 'deliveries/replay' },
    });
  });

  it('decodes path parameters', () => {
    const match = matchPath(ROUTES, 'GET', 'notes/demo%20sender/note%2F1/2');
    expect(match).toMatchObject({
      kind: 'match',
      params: { senderId: 'demo sender', noteId: 'note/1', version: '2' },
    });
  });

  it('ignores a trailing slash', () => {
    expect(matchPath(ROUTES, 'GET', 'audit/')).toMatchObject({ kind: 'match', route: { path: 'audit' } });
  });

  it('reports the allowed methods for a path under another method', () => {
    expect(matchPath(ROUTES, 'DELETE', 'ledger/digest')).toEqual({
      kind: 'method-not-allowed',
      allow: ['POST'],
    });
  });

  it('reports an unknown path as not found', () => {
    expect(matchPath(ROUTES, 'GET', 'ledger/unknown')).toEqual({ kind: 'not-found' });
  });

  it('reports a malformed escape as not found', () => {
    expect(matchPath(ROUTES, 'GET', 'notes/%E0%A4%A/n/1')).toEqual({ kind: 'not-found' });
  });
});
