import { isIP } from 'node:net';

/** Where callbacks may go. Only the local stack, which runs its own receivers, allows loopback http. */
export interface CallbackUrlRules {
  allowLoopbackHttp: boolean;
}

export type CallbackUrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const v4 = (ip: string): number[] => ip.split('.').map(Number);
const inV4 = (ip: string, base: string, bits: number): boolean => {
  const toInt = (parts: number[]) => parts.reduce((n, p) => n * 256 + p, 0);
  const size = 2 ** (32 - bits);
  return Math.floor(toInt(v4(ip)) / size) === Math.floor(toInt(v4(base)) / size);
};

/** The first 16 bits of an IPv6 address, and its IPv4 when it is IPv4-mapped (`::ffff:a.b.c.d`). */
function v6Parts(ip: string): { head: number; mapped?: string; all: string } {
  const lower = ip.toLowerCase();
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const dotted = (h: string) => {
    const n = Number.parseInt(h, 16);
    return `${n >> 8}.${n & 255}`;
  };
  const mapped =
    /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1] ??
    (hex?.[1] && hex[2] ? `${dotted(hex[1])}.${dotted(hex[2])}` : undefined);
  const head = lower.startsWith('::') ? 0 : Number.parseInt(lower.split(':')[0] || '0', 16);
  return { head, ...(mapped ? { mapped } : {}), all: lower };
}

/**
 * The kind of a literal IP address a callback must not reach, or undefined
 * when it is a public address: loopback, private (10/8, 172.16/12, 192.168/16,
 * 100.64/10, fc00::/7), link-local (169.254/16, fe80::/10), unspecified.
 * IPv4-mapped IPv6 addresses are judged by their IPv4 address.
 */
export function refusedAddressKind(
  ip: string,
): 'loopback' | 'private' | 'link-local' | 'unspecified' | undefined {
  const family = isIP(ip);
  if (family === 6) {
    const { head, mapped, all } = v6Parts(ip);
    if (mapped) return refusedAddressKind(mapped);
    if (all === '::') return 'unspecified';
    if (all === '::1') return 'loopback';
    if ((head & 0xfe00) === 0xfc00) return 'private';
    if ((head & 0xffc0) === 0xfe80) return 'link-local';
    return undefined;
  }
  if (family !== 4) return 'unspecified';
  if (inV4(ip, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(ip, '127.0.0.0', 8)) return 'loopback';
  if (inV4(ip, '169.254.0.0', 16)) return 'link-local';
  for (const [base, bits] of [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
  ] as const) {
    if (inV4(ip, base, bits)) return 'private';
  }
  return undefined;
}

/** Whether a resolved address may be connected to under `rules`. */
export function addressAllowed(ip: string, rules: CallbackUrlRules): boolean {
  const kind = refusedAddressKind(ip);
  return kind === undefined || (kind === 'loopback' && rules.allowLoopbackHttp);
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * Checks a callback URL before any request: https only (loopback http only where
 * the rules allow it), no credentials in the URL, and no literal destination that
 * is loopback, private, link-local, unspecified or `localhost`. Names that resolve
 * must be checked again at send time, against every address they resolve to.
 */
export function checkCallbackUrl(raw: string, rules: CallbackUrlRules): CallbackUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not-a-url' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials-in-url' };
  const host = hostOf(url);
  const literal = isIP(host) !== 0;
  const loopback = isLocalhostName(host) || (literal && refusedAddressKind(host) === 'loopback');
  if (loopback && !rules.allowLoopbackHttp) return { ok: false, reason: 'loopback-destination' };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && rules.allowLoopbackHttp)) {
    return { ok: false, reason: 'https-required' };
  }
  if (literal && !addressAllowed(host, rules)) {
    return { ok: false, reason: `${refusedAddressKind(host)}-destination` };
  }
  return { ok: true, url };
}
