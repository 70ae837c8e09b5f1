import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyHead, sealEntries } from '../../../shared/domain/ledger/chain.js';
import {
  DIGEST_GENESIS,
  digestBody,
  digestHash,
  digestSigningBytes,
  type SealedChainName,
  type SignedDigest,
} from '../../../shared/domain/seal/digest.js';
import { type AnchoredObject, digestObjectName } from '../../../shared/ports/digest-anchor.js';
import { syntheticEntry } from '../../helpers/ledger-measure.js';

/** A request the fake cell received, for assertions. */
export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  body?: unknown;
}

type Handler = (req: Seen) => { status: number; body: unknown } | undefined;

/** An EC P-256 key pair as the cell's digest signer holds it. */
export const newKeyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

/** Signed digests of `records` (one per shard count list), linked as the cell makes them. */
export function signDigests(
  chain: SealedChainName,
  cell: string,
  records: ReadonlyArray<{ shard: number; seq: number; entryHash: string }>,
  sealedUpTo: readonly number[],
  key: KeyObject,
): AnchoredObject[] {
  const objects: AnchoredObject[] = [];
  let previous: SignedDigest | undefined;
  sealedUpTo.forEach((seqLimit, i) => {
    const last = records.filter((r) => r.shard === 0 && r.seq <= seqLimit).at(-1);
    const unsigned = {
      version: 1 as const,
      chain,
      cell,
      seq: i + 1,
      at: new Date(Date.UTC(2026, 10, 25, 11, i)).toISOString(),
      shardCount: 1,
      shards: [{ shard: 0, seq: last?.seq ?? 0, hash: last?.entryHash ?? DIGEST_GENESIS }],
      prevDigestHash: previous ? digestHash(previous) : DIGEST_GENESIS,
      alg: 'ECDSA_SHA_256' as const,
      keyId: 'local:test',
    };
    const signature = sign('sha256', digestSigningBytes(unsigned), { key, dsaEncoding: 'der' }).toString(
      'base64',
    );
    previous = { ...unsigned, signature };
    objects.push({ name: digestObjectName(previous.seq), body: digestBody(previous) });
  });
  return objects;
}

/** `count` chained ledger entries in shard 0, a minute apart from 2026-11-25T10:00Z. */
export const chainedEntries = (count: number) =>
  sealEntries(
    emptyHead(0),
    Array.from({ length: count }, (_, i) => syntheticEntry(i, new Date(Date.UTC(2026, 10, 25, 10, i)))),
  ).sealed;

/**
 * A stand-in for the local stack with one cell `uk`: `/healthz`, the development
 * issuer and the cell's HIM API, answered by `handle` (404 problem when it returns nothing).
 */
export async function startFakeCell(
  handle: Handler,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let url = '';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', url);
      const send = (status: number, body: unknown) => {
        const type = status >= 400 ? 'application/problem+json' : 'application/json';
        res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
      };
      if (u.pathname === '/healthz') return send(200, { url, cells: { uk: { baseUrl: `${url}/uk/` } } });
      if (u.pathname === '/dev-issuer/token')
        return send(200, { access_token: `dev:${raw}`, expires_in: 900 });
      const s: Seen = {
        method: req.method ?? 'GET',
        path: u.pathname.replace('/uk/v1/him/', ''),
        query: Object.fromEntries(u.searchParams),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(raw ? { body: JSON.parse(raw) } : {}),
      };
      seen.push(s);
      const out = handle(s);
      if (out) return send(out.status, out.body);
      send(404, { type: 'https://visitbridge.dev/problems/not-found', title: 'Not found', status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A CLI run's exit code and output. */
export async function runCli(
  run: (
    argv: string[],
    io: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } },
  ) => Promise<number>,
  argv: string[],
) {
  const out = { stdout: '', stderr: '' };
  const code = await run(argv, {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
  });
  return { code, ...out };
}
