import { checkPathEncoding, type HttpEvent, pathParam } from '../../shared/http/apigw.js';

const event = (rawPath: string, pathParameters: Record<string, string>) =>
  ({ rawPath, pathParameters }) as unknown as HttpEvent;

describe('path decoding', () => {
  it('decodes a percent-encoded path parameter', () => {
    expect(pathParam(event('/v1/webhooks/acme%2Eone', { senderId: 'acme%2Eone' }), 'senderId')).toBe(
      'acme.one',
    );
  });

  it('refuses a malformed percent-encoding as a 400 naming the path', () => {
    const bad = event('/v1/webhooks/%E0%A4%A', { senderId: '%E0%A4%A' });

    expect(() => pathParam(bad, 'senderId')).toThrow(
      expect.objectContaining({
        code: 'invalid-path',
        detail: expect.stringContaining('/v1/webhooks/%E0%A4%A'),
        extensions: { path: '/v1/webhooks/%E0%A4%A' },
      }),
    );
  });

  it('refuses a proxy path with a malformed percent-encoding', () => {
    expect(() => checkPathEncoding(event('/v1/him/notes/%ZZ', {}))).toThrow(
      expect.objectContaining({ code: 'invalid-path' }),
    );
  });

  it('lets a well-formed proxy path through', () => {
    expect(() => checkPathEncoding(event('/v1/him/notes/a%20b', {}))).not.toThrow();
  });
});
