import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { makeDigestHandler } from '../../../functions/digest/handler-factory.js';
import { localContext } from '../../../infra/local/api-gateway.js';
import { LocalDigestSigner } from '../../../shared/adapters/crypto/digest-local.js';
import { DigestKeyDocumentSigner } from '../../../shared/adapters/crypto/document-signer.js';
import { FileDigestAnchor } from '../../../shared/adapters/fs/file-digest-anchor.js';
import { AppError } from '../../../shared/domain/errors.js';
import { documentSignatureValid } from '../../../shared/domain/seal/signed-document.js';
import { verifyDigestChain } from '../../../shared/domain/seal/verify-digests.js';
import type { DigestSignature, DigestSigner } from '../../../shared/ports/digest-signer.js';
import { MemoryChain } from './memory-chain.js';

const NOW = new Date('2026-11-30T14:05:00.000Z');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vb-digest-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fixture(signer?: DigestSigner) {
  const ledger = new MemoryChain('ledger', 'uk', 2);
  const audit = new MemoryChain('audit', 'uk', 1);
  const localSigner = new LocalDigestSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const anchor = new FileDigestAnchor(dir, 'uk');
  const handler = makeDigestHandler({
    cell: 'uk',
    chains: { ledger, audit },
    signer: signer ?? localSigner,
    documents: new DigestKeyDocumentSigner(signer ?? localSigner),
    anchor,
    clock: { now: () => NOW },
    logger: new Logger({ serviceName: 'visitbridge-digest', logLevel: 'INFO' }),
  });
  const invoke = (event: unknown) => handler(event, localContext('digest-test'));
  return { ledger, audit, signer: localSigner, anchor, invoke };
}

/** Runs `work` and returns the structured log lines it wrote. */
async function logsOf(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const lines: string[] = [];
  const capture = ((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await work();
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('digest function', () => {
  it('seals the ledger and the audit log on the schedule, with digests that verify from the anchor', async () => {
    // Prepare
    const fx = fixture();
    fx.ledger.append(0, 2);
    fx.ledger.append(1, 1);
    fx.audit.append(0, 3);
    let response: unknown;
    // Act
    const logs = await logsOf(async () => {
      response = await fx.invoke({ source: 'visitbridge.digest' });
    });
    // Assess
    expect(response).toEqual({
      results: [
        expect.objectContaining({
          chain: 'ledger',
          cell: 'uk',
          seq: 1,
          at: NOW.toISOString(),
          newlySealed: 3,
        }),
        expect.objectContaining({
          chain: 'audit',
          cell: 'uk',
          seq: 1,
          keyId: fx.signer.keyId,
          newlySealed: 3,
        }),
      ],
    });
    const publicKeyPem = await fx.signer.publicKeyPem();
    for (const chain of ['ledger', 'audit'] as const) {
      const verified = verifyDigestChain(await fx.anchor.list(chain), { chain, cell: 'uk', publicKeyPem });
      expect(verified).toMatchObject({ ok: true, count: 1 });
    }
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'INFO', outcome: 'sealed', chain: 'ledger', seq: 1, newlySealed: 3 }),
    );
  });

  it('seals only the chains a direct invoke names, linking to the digest before', async () => {
    // Prepare
    const fx = fixture();
    fx.audit.append(0, 1);
    await fx.invoke({ source: 'visitbridge.digest' });
    fx.audit.append(0, 2);
    // Act
    const response = await fx.invoke({ source: 'visitbridge.digest', chains: ['audit'] });
    // Assess
    expect(response).toEqual({
      results: [expect.objectContaining({ chain: 'audit', seq: 2, newlySealed: 2 })],
    });
    expect((await fx.anchor.list('ledger')).map((o) => o.name)).toEqual(['000000000001.json']);
  });

  it('reports a tampered chain as seal-refused, seals the other, and logs ledger-verification-failed', async () => {
    // Prepare
    const fx = fixture();
    fx.ledger.append(0, 3);
    await fx.invoke({ source: 'visitbridge.digest' });
    fx.ledger.truncate(0, 1);
    fx.audit.append(0, 1);
    let response: unknown;
    // Act
    const logs = await logsOf(async () => {
      response = await fx.invoke({ source: 'visitbridge.digest' });
    });
    // Assess
    expect(response).toEqual({
      results: [
        { chain: 'ledger', error: { code: 'seal-refused', detail: expect.stringContaining('shard 0') } },
        expect.objectContaining({ chain: 'audit', seq: 2 }),
      ],
    });
    expect((await fx.anchor.list('ledger')).map((o) => o.name)).toEqual(['000000000001.json']);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', outcome: 'ledger-verification-failed', chain: 'ledger' }),
    );
  });

  it('fails the invocation after trying every chain when the signer is down, so retries and the DLQ see it', async () => {
    // Prepare
    const down: DigestSigner = {
      keyId: 'arn:aws:kms:eu-west-2:111122223333:key/down',
      sign: async () => {
        throw new AppError('storage-unavailable', 'KMS Sign failed');
      },
      publicKeyPem: async () => {
        throw new AppError('storage-unavailable', 'KMS GetPublicKey failed');
      },
    };
    const fx = fixture(down);
    let error: unknown;
    // Act
    const logs = await logsOf(async () => {
      error = await fx.invoke({ source: 'visitbridge.digest' }).catch((e: unknown) => e);
    });
    // Assess
    expect(error).toMatchObject({
      code: 'storage-unavailable',
      detail: expect.stringContaining('ledger and audit'),
    });
    expect(logs.filter((l) => l.outcome === 'seal-failed').map((l) => l.chain)).toEqual(['ledger', 'audit']);
  });

  it.each([
    ['another source', { source: 'aws.events' }],
    ['an unknown chain', { source: 'visitbridge.digest', chains: ['notes'] }],
    ['a repeated chain', { source: 'visitbridge.digest', chains: ['ledger', 'ledger'] }],
    ['no chain at all', { source: 'visitbridge.digest', chains: [] }],
    [
      'a sign request of an unknown kind',
      { source: 'visitbridge.digest', sign: { kind: 'digest', bytes: 'e30=' } },
    ],
    [
      'a sign request that is not base64',
      { source: 'visitbridge.digest', sign: { kind: 'evidence-manifest', bytes: '{}' } },
    ],
  ])('refuses %s without sealing anything', async (_what, event) => {
    // Prepare
    const fx = fixture();
    fx.ledger.append(0, 1);
    let error: unknown;
    // Act
    const logs = await logsOf(async () => {
      error = await fx.invoke(event).catch((e: unknown) => e);
    });
    // Assess
    expect(error).toMatchObject({ code: 'invalid-event' });
    expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', outcome: 'invalid-event' }));
    expect(await fx.anchor.list('ledger')).toEqual([]);
  });

  it('signs a document on request, with the digest key, over the kind and bytes, sealing nothing', async () => {
    // Prepare
    const fx = fixture();
    fx.ledger.append(0, 1);
    const manifest = new TextEncoder().encode('{"format":"visitbridge-evidence-manifest/1"}');
    // Act
    const response = await fx.invoke({
      source: 'visitbridge.digest',
      sign: { kind: 'evidence-manifest', bytes: Buffer.from(manifest).toString('base64') },
    });
    // Assess
    const { signature } = response as { signature: DigestSignature };
    const sig = {
      format: 'visitbridge-document-signature/1',
      kind: 'evidence-manifest',
      ...signature,
    } as const;
    const pem = await fx.signer.publicKeyPem();
    expect(signature.keyId).toBe(fx.signer.keyId);
    expect(documentSignatureValid(sig, manifest, pem)).toBe(true);
    expect(documentSignatureValid({ ...sig, kind: 'erasure-certificate' }, manifest, pem)).toBe(false);
    expect(await fx.anchor.list('ledger')).toEqual([]);
  });
});
