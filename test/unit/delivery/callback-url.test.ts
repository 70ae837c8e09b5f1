import { addressAllowed, checkCallbackUrl, refusedAddressKind } from '../../../shared/domain/callback-url.js';

const strict = { allowLoopbackHttp: false };
const local = { allowLoopbackHttp: true };
const reasonOf = (url: string, rules = strict) => {
  const verdict = checkCallbackUrl(url, rules);
  return verdict.ok ? 'ok' : verdict.reason;
};

describe('checkCallbackUrl outside the local stack', () => {
  it('accepts an https URL on a public name or address', () => {
    expect(reasonOf('https://hooks.example.com/visitbridge')).toBe('ok');
    expect(reasonOf('https://93.184.216.34:8443/cb')).toBe('ok');
    expect(reasonOf('https://[2606:4700::1111]/cb')).toBe('ok');
  });

  it('refuses http, even to a public host', () => {
    expect(reasonOf('http://hooks.example.com/cb')).toBe('https-required');
  });

  it.each([
    ['https://127.0.0.1/cb', 'loopback-destination'],
    ['https://127.8.9.10/cb', 'loopback-destination'],
    ['https://[::1]/cb', 'loopback-destination'],
    ['https://localhost/cb', 'loopback-destination'],
    ['https://api.localhost/cb', 'loopback-destination'],
    ['https://10.1.2.3/cb', 'private-destination'],
    ['https://172.16.0.1/cb', 'private-destination'],
    ['https://172.31.255.255/cb', 'private-destination'],
    ['https://192.168.1.1/cb', 'private-destination'],
    ['https://100.64.0.1/cb', 'private-destination'],
    ['https://[fd12::1]/cb', 'private-destination'],
    ['https://169.254.169.254/latest/meta-data', 'link-local-destination'],
    ['https://[fe80::1]/cb', 'link-local-destination'],
    ['https://0.0.0.0/cb', 'unspecified-destination'],
    ['https://[::]/cb', 'unspecified-destination'],
    ['https://[::ffff:10.0.0.1]/cb', 'private-destination'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(reasonOf(url)).toBe(reason);
  });

  it('refuses what is not a URL, and credentials in the URL', () => {
    expect(reasonOf('hooks.example.com/cb')).toBe('not-a-url');
    expect(reasonOf('https://user:pw@hooks.example.com/cb')).toBe('credentials-in-url');
  });

  it('keeps the edges of the private ranges public', () => {
    expect(reasonOf('https://172.32.0.1/cb')).toBe('ok');
    expect(reasonOf('https://100.128.0.1/cb')).toBe('ok');
    expect(reasonOf('https://11.0.0.1/cb')).toBe('ok');
  });
});

describe('checkCallbackUrl in the local stack', () => {
  it('accepts loopback over http, by address or localhost', () => {
    expect(reasonOf('http://127.0.0.1:4010/cb', local)).toBe('ok');
    expect(reasonOf('http://localhost:4010/cb', local)).toBe('ok');
    expect(reasonOf('http://[::1]:4010/cb', local)).toBe('ok');
  });

  it('still refuses http elsewhere and private destinations', () => {
    expect(reasonOf('http://hooks.example.com/cb', local)).toBe('https-required');
    expect(reasonOf('https://192.168.0.10/cb', local)).toBe('private-destination');
  });
});

describe('resolved addresses', () => {
  it('classifies every kind and leaves public addresses alone', () => {
    expect(
      ['127.0.0.1', '10.0.0.1', '169.254.1.1', '0.0.0.0', '8.8.8.8', '2001:db8::1'].map(refusedAddressKind),
    ).toEqual(['loopback', 'private', 'link-local', 'unspecified', undefined, undefined]);
  });

  it('allows loopback only under the local rules', () => {
    expect(addressAllowed('127.0.0.1', strict)).toBe(false);
    expect(addressAllowed('127.0.0.1', local)).toBe(true);
    expect(addressAllowed('10.0.0.1', local)).toBe(false);
  });
});
