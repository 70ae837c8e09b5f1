import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsDigestSigner } from '../../../shared/adapters/crypto/digest-kms.js';
import { AppError } from '../../../shared/domain/errors.js';
import {
  DIGEST_GENESIS,
  digestSignatureValid,
  digestSigningBytes,
  type SignedDigest,
  type UnsignedDigest,
} from '../../../shared/domain/seal/digest.js';

const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const kms = mockClient(KMSClient);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spkiDer = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));

const unsigned: UnsignedDigest = {
  version: 1,
  chain: 'ledger',
  cell: 'uk',
  seq: 1,
  at: '2026-11-30T14:00:00.000Z',
  shardCount: 1,
  shards: [{ shard: 0, seq: 3, hash: 'a'.repeat(64) }],
  prevDigestHash: DIGEST_GENESIS,
  alg: 'ECDSA_SHA_256',
  keyId: KEY,
};
const bytes = digestSigningBytes(unsigned);
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** What KMS answers for this key: a real P-256 signature (DER) over the bytes whose SHA-256 it was sent. */
function kmsHoldsTheKey(): void {
  kms.on(SignCommand).resolves({
    KeyId: KEY,
    Signature: new Uint8Array(sign('sha256', bytes, { key: privateKey, dsaEncoding: 'der' })),
    SigningAlgorithm: 'ECDSA_SHA_256',
  });
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: KEY,
    PublicKey: spkiDer,
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
  });
}

describe('KmsDigestSigner', () => {
  beforeEach(() => kms.reset());

  it('sends KMS the SHA-256 of the bytes as a DIGEST with ECDSA_SHA_256 on the configured key ARN', async () => {
    // Prepare
    kmsHoldsTheKey();
    // Act
    const signature = await new KmsDigestSigner(new KMSClient({}), KEY).sign(bytes);
    // Assess
    expect(kms.commandCalls(SignCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: KEY, Message: sha256(bytes), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' },
    ]);
    expect(signature).toMatchObject({ alg: 'ECDSA_SHA_256', keyId: KEY });
    expect(kms.calls()).toHaveLength(1);
  });

  it('makes a digest that verifies offline with the public key it reads from KMS, and only that digest', async () => {
    // Prepare
    kmsHoldsTheKey();
    const signer = new KmsDigestSigner(new KMSClient({}), KEY);
    // Act
    const { signature } = await signer.sign(bytes);
    const pem = await signer.publicKeyPem();
    // Assess
    const digest: SignedDigest = { ...unsigned, signature };
    expect(pem).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(digestSignatureValid(digest, pem)).toBe(true);
    expect(digestSignatureValid({ ...digest, seq: 2 }, pem)).toBe(false);
  });

  it('reads the public key with one GetPublicKey and caches it', async () => {
    // Prepare
    kmsHoldsTheKey();
    const signer = new KmsDigestSigner(new KMSClient({}), KEY);
    // Act
    const pems = await Promise.all([signer.publicKeyPem(), signer.publicKeyPem()]);
    await signer.publicKeyPem();
    // Assess
    expect(new Set(pems).size).toBe(1);
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: KEY }]);
  });

  it('refuses a key that is not ECC_NIST_P256 and asks again next time', async () => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({ KeyId: KEY, PublicKey: spkiDer, KeySpec: 'RSA_2048' });
    const signer = new KmsDigestSigner(new KMSClient({}), KEY);
    // Act
    const error = await signer.publicKeyPem().catch((e: unknown) => e);
    await signer.publicKeyPem().catch(() => undefined);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable', detail: expect.stringContaining('RSA_2048') });
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });

  it('turns a KMS Sign failure into storage-unavailable with the cause kept', async () => {
    // Prepare
    const failure = new Error('ThrottlingException');
    kms.on(SignCommand).rejects(failure);
    // Act
    const error = await new KmsDigestSigner(new KMSClient({}), KEY).sign(bytes).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'storage-unavailable', cause: failure });
  });

  it('turns a KMS GetPublicKey failure into storage-unavailable with the cause kept', async () => {
    // Prepare
    const failure = new Error('AccessDeniedException');
    kms.on(GetPublicKeyCommand).rejects(failure);
    // Act
    const error = await new KmsDigestSigner(new KMSClient({}), KEY).publicKeyPem().catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable', cause: failure });
  });
});
