import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3DigestAnchor } from '../../../shared/adapters/aws/s3-digest-anchor.js';
import { AppError } from '../../../shared/domain/errors.js';

const BUCKET = 'visitbridge-uk-digests-111122223333';
const s3 = mockClient(S3Client);
const anchor = () => new S3DigestAnchor({ client: new S3Client({}), bucket: BUCKET, cellId: 'uk' });

/** A GetObject answer whose body reads as `text` (the only body method the anchor uses). */
const objectBody = (text: string) =>
  ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;

const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('S3DigestAnchor', () => {
  beforeEach(() => s3.reset());

  it('writes a digest once, as JSON with a SHA-256 checksum, under <cell>/<chain>/<12-digit seq>.json', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const body = '{"seq":7}';
    // Act
    await anchor().put('audit', 7, body);
    // Assess
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: BUCKET,
        Key: 'uk/audit/000000000007.json',
        Body: body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      },
    ]);
  });

  it.each([
    ['PreconditionFailed', 412],
    ['ConditionalRequestConflict', 409],
  ])('answers version-conflict when S3 refuses the create-once write (%s)', async (name, status) => {
    // Prepare
    const refusal = s3Error(name, status);
    s3.on(PutObjectCommand).rejects(refusal);
    // Act
    const error = await anchor()
      .put('ledger', 1, '{}')
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'version-conflict', cause: refusal });
  });

  it('turns any other write failure into storage-unavailable with the cause kept', async () => {
    // Prepare
    const denied = s3Error('AccessDenied', 403);
    s3.on(PutObjectCommand).rejects(denied);
    // Act
    const error = await anchor()
      .put('ledger', 1, '{}')
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'storage-unavailable', cause: denied });
  });

  it('lists every version page of the chain folder and reads each version, names relative to the folder and sorted', async () => {
    // Prepare
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
      .resolves({
        IsTruncated: true,
        NextKeyMarker: 'uk/ledger/000000000002.json',
        NextVersionIdMarker: 'v2',
        Versions: [
          { Key: 'uk/ledger/000000000002.json', VersionId: 'v2', IsLatest: true },
          { Key: 'uk/ledger/000000000001.json', VersionId: 'v1', IsLatest: true },
        ],
      })
      .on(ListObjectVersionsCommand, { KeyMarker: 'uk/ledger/000000000002.json' })
      .resolves({
        IsTruncated: false,
        Versions: [{ Key: 'uk/ledger/notes.txt', VersionId: 'v3', IsLatest: true }],
      });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => objectBody(`body of ${input.Key}`));
    // Act
    const objects = await anchor().list('ledger');
    // Assess
    expect(objects).toEqual([
      { name: '000000000001.json', body: 'body of uk/ledger/000000000001.json' },
      { name: '000000000002.json', body: 'body of uk/ledger/000000000002.json' },
      { name: 'notes.txt', body: 'body of uk/ledger/notes.txt' },
    ]);
    expect(s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: 'uk/ledger/' },
      {
        Bucket: BUCKET,
        Prefix: 'uk/ledger/',
        KeyMarker: 'uk/ledger/000000000002.json',
        VersionIdMarker: 'v2',
      },
    ]);
    expect(
      s3
        .commandCalls(GetObjectCommand)
        .map((c) => c.args[0].input)
        .sort((a, b) => String(a.Key).localeCompare(String(b.Key))),
    ).toEqual([
      { Bucket: BUCKET, Key: 'uk/ledger/000000000001.json', VersionId: 'v1' },
      { Bucket: BUCKET, Key: 'uk/ledger/000000000002.json', VersionId: 'v2' },
      { Bucket: BUCKET, Key: 'uk/ledger/notes.txt', VersionId: 'v3' },
    ]);
  });

  it('shows a digest hidden by a delete marker and its replacement under names no digest has', async () => {
    // Prepare: seq 2 was hidden by a delete marker, then another digest took its key
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'uk/ledger/000000000001.json', VersionId: 'v1', IsLatest: true },
        { Key: 'uk/ledger/000000000002.json', VersionId: 'forged', IsLatest: true },
        { Key: 'uk/ledger/000000000002.json', VersionId: 'sealed', IsLatest: false },
      ],
      DeleteMarkers: [{ Key: 'uk/ledger/000000000002.json', VersionId: 'marker', IsLatest: false }],
    });
    s3.on(GetObjectCommand).callsFake((input: { VersionId: string }) =>
      objectBody(`version ${input.VersionId}`),
    );
    // Act
    const objects = await anchor().list('ledger');
    const latest = await anchor().latest('ledger');
    // Assess
    expect(objects).toEqual([
      { name: '000000000001.json', body: 'version v1' },
      { name: '000000000002.json@forged', body: 'version forged' },
      { name: '000000000002.json@marker', body: '' },
      { name: '000000000002.json@sealed', body: 'version sealed' },
    ]);
    expect(latest?.name).toMatch(/^000000000002\.json@/);
  });

  it('gives the highest digest name as latest, reading that one version only', async () => {
    // Prepare
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'uk/audit/000000000009.json', VersionId: 'v9', IsLatest: true },
        { Key: 'uk/audit/000000000010.json', VersionId: 'v10', IsLatest: true },
        { Key: 'uk/audit/zz-not-a-digest', VersionId: 'vz', IsLatest: true },
      ],
    });
    s3.on(GetObjectCommand).resolves(objectBody('{"seq":10}'));
    // Act
    const latest = await anchor().latest('audit');
    // Assess
    expect(latest).toEqual({ name: '000000000010.json', body: '{"seq":10}' });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: 'uk/audit/000000000010.json', VersionId: 'v10' },
    ]);
  });

  it('has no latest digest in an empty folder', async () => {
    // Prepare
    s3.on(ListObjectVersionsCommand).resolves({});
    // Act
    const latest = await anchor().latest('ledger');
    // Assess
    expect(latest).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it.each([
    ['listing', ListObjectVersionsCommand],
    ['reading', GetObjectCommand],
  ] as const)(
    'turns a failure while %s into storage-unavailable with the cause kept',
    async (_what, command) => {
      // Prepare
      const failure = s3Error('SlowDown', 503);
      s3.on(ListObjectVersionsCommand).resolves({
        Versions: [{ Key: 'uk/ledger/000000000001.json', VersionId: 'v1', IsLatest: true }],
      });
      s3.on(GetObjectCommand).resolves(objectBody('{}'));
      s3.on(command as typeof GetObjectCommand).rejects(failure);
      // Act
      const error = await anchor()
        .list('ledger')
        .catch((e: unknown) => e);
      // Assess
      expect(error).toMatchObject({ code: 'storage-unavailable', cause: failure });
    },
  );

  it('names its location for reports', () => {
    expect(anchor().location).toBe(`s3://${BUCKET}/uk/`);
  });
});
