import { createHash } from 'node:crypto';
import { KMSClient, KMSInvalidSignatureException, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsDigestSigner } from '../../../shared/adapters/crypto/digest-kms.js';
import { AppError } from '../../../shared/domain/errors.js';

const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/0b1c2d3e-ledger';
const bytes = new TextEncoder().encode('{"at":"2026-11-25T10:00:00.000Z","cell":"uk","shards":[]}');
const digestOf = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

describe('KmsDigestSigner', () => {
  const kms = mockClient(KMSClient);
  beforeEach(() => kms.reset());

  it('signs the SHA-256 of the digest with ECDSA_SHA_256 on the cell key', async () => {
    kms
      .on(SignCommand)
      .resolves({ KeyId: KEY, Signature: new Uint8Array([1, 2, 3]), SigningAlgorithm: 'ECDSA_SHA_256' });
    const signature = await new KmsDigestSigner(new KMSClient({}), KEY).sign(bytes);
    expect(kms.commandCalls(SignCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: KEY, Message: digestOf(bytes), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' },
    ]);
    expect(signature).toEqual({ alg: 'ECDSA_SHA_256', keyId: KEY, signature: 'AQID' });
  });

  it('verifies against its own key with the exact VerifyCommand input', async () => {
    kms.on(VerifyCommand).resolves({ KeyId: KEY, SignatureValid: true });
    const valid = await new KmsDigestSigner(new KMSClient({}), KEY).verify(bytes, {
      alg: 'ECDSA_SHA_256',
      keyId: 'arn:aws:kms:eu-west-2:999999999999:key/other',
      signature: 'AQID',
    });
    expect(valid).toBe(true);
    expect(kms.commandCalls(VerifyCommand).map((c) => c.args[0].input)).toEqual([
      {
        KeyId: KEY,
        Message: digestOf(bytes),
        MessageType: 'DIGEST',
        Signature: Buffer.from([1, 2, 3]),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
    ]);
  });

  it('answers false when KMS says the signature is invalid', async () => {
    kms.on(VerifyCommand).rejects(new KMSInvalidSignatureException({ message: 'invalid', $metadata: {} }));
    const signer = new KmsDigestSigner(new KMSClient({}), KEY);
    expect(await signer.verify(bytes, { alg: 'ECDSA_SHA_256', keyId: KEY, signature: 'AQID' })).toBe(false);
  });

  it('answers false for a signature of another algorithm without calling KMS', async () => {
    const signer = new KmsDigestSigner(new KMSClient({}), KEY);
    expect(await signer.verify(bytes, { alg: 'HMAC-SHA256', keyId: KEY, signature: 'AQID' })).toBe(false);
    expect(kms.calls()).toHaveLength(0);
  });

  it('turns a KMS failure into storage-unavailable with the cause kept', async () => {
    const failure = new Error('throttled');
    kms.on(SignCommand).rejects(failure);
    const error = await new KmsDigestSigner(new KMSClient({}), KEY).sign(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'storage-unavailable', cause: failure });
  });
});
