import type { IncomingMessage } from 'node:http';
import { allowedHostNames, isAllowedHost, isLoopbackAddress } from '../../infra/local/host-guard.js';

const req = (host: string | undefined, localPort = 8080) =>
  ({ headers: host === undefined ? {} : { host }, socket: { localPort } }) as unknown as IncomingMessage;

describe('host allow-list', () => {
  it('answers to the loopback names only when HOST is loopback', () => {
    expect(allowedHostNames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('adds the HOST name when it is another one, IPv6 literals in brackets', () => {
    expect(allowedHostNames('VisitBridge.lan')).toContain('visitbridge.lan');
    expect(allowedHostNames('fd00::2')).toContain('[fd00::2]');
  });

  it('accepts an allowed name with the listening port, in any case', () => {
    expect(isAllowedHost(req('LocalHost:8080'), allowedHostNames('127.0.0.1'))).toBe(true);
  });

  it('accepts the HOST name when it is set to another name', () => {
    expect(isAllowedHost(req('visitbridge.lan:8080'), allowedHostNames('visitbridge.lan'))).toBe(true);
  });

  it.each([
    ['another name', 'attacker.example:8080'],
    ['an allowed name on another port', 'localhost:9090'],
    ['an allowed name without the port', 'localhost'],
    ['no Host header', undefined],
  ])('refuses %s', (_name, host) => {
    expect(isAllowedHost(req(host), allowedHostNames('127.0.0.1'))).toBe(false);
  });

  it('accepts a name without a port on port 80 only', () => {
    expect(isAllowedHost(req('localhost', 80), allowedHostNames('127.0.0.1'))).toBe(true);
  });
});

describe('loopback peers', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['192.0.2.2', 'fd00::2', '::ffff:192.0.2.2', undefined])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
