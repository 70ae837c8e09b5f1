import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Names under which a browser on this machine reaches the local stack. */
export const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/**
 * The host names the local gateway answers to: the loopback names, and the
 * `HOST` it listens on when that is another name (an IPv6 literal in brackets).
 */
export function allowedHostNames(listenHost: string): string[] {
  const name = isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost.toLowerCase();
  return [...new Set<string>([...LOOPBACK_HOST_NAMES, name])];
}

/**
 * Whether the request's `Host` header names one of `names` with the port the
 * request came in on (the port may be left out only on port 80). A page that
 * rebinds its own DNS name to 127.0.0.1 still sends its own name, so it is
 * refused: this is what stops DNS rebinding.
 */
export function isAllowedHost(req: IncomingMessage, names: readonly string[]): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  const port = req.socket.localPort;
  return names.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

/** Whether a peer address is loopback (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
