import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../domain/errors.js';
import type { SealedChainName } from '../../domain/seal/digest.js';
import type { AnchoredObject, DigestAnchor } from '../../ports/digest-anchor.js';
import { digestObjectName } from '../../ports/digest-anchor.js';

/** Names visitbridge writes: the only ones `latest` considers. */
const DIGEST_NAME = /^\d{12}\.json$/;
/** GetObject requests in flight at once while listing a chain. */
const READ_CONCURRENCY = 8;

export interface S3DigestAnchorOptions {
  client: S3Client;
  /** The cell's digest bucket (versioned, Object Lock in compliance mode with a default retention). */
  bucket: string;
  cellId: string;
}

/**
 * The AWS digest anchor: one object per digest at `<cell>/<chain>/<12-digit seq>.json`
 * in the cell's digest bucket. Writes are create-once (`If-None-Match: *`) and carry a
 * SHA-256 checksum, which Object Lock requires and S3 checks against the body. No
 * retention is set per object: the bucket's default retention (COMPLIANCE mode, at
 * least six years) applies to every version written, so no one, the account root
 * included, can overwrite or delete a digest before it expires.
 */
export class S3DigestAnchor implements DigestAnchor {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly cellId: string;

  constructor(options: S3DigestAnchorOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.cellId = options.cellId;
    this.location = `s3://${options.bucket}/${options.cellId}/`;
  }

  /**
   * @throws AppError('version-conflict') when a digest already holds that position (S3 412,
   *   or 409 while a concurrent write of the same key is in flight); AppError('storage-unavailable') otherwise.
   */
  async put(chain: SealedChainName, seq: number, body: string): Promise<void> {
    const Key = this.folder(chain) + digestObjectName(seq);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(body, 'utf8').digest('base64'),
        }),
      );
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) {
        throw new AppError(
          'version-conflict',
          `a ${chain} digest at seq ${seq} already exists`,
          {},
          { cause: error },
        );
      }
      throw unavailable('write', error);
    }
  }

  /**
   * Every object under the chain's folder with its body, ordered by name. Costs one
   * ListObjectsV2 per 1,000 objects plus one GetObject per object: a chain sealed every
   * 5 minutes grows by about 105,000 objects a year, so a full read is for verification
   * and export, not for every request.
   *
   * @throws AppError('storage-unavailable') when S3 fails.
   */
  async list(chain: SealedChainName): Promise<AnchoredObject[]> {
    const names = await this.names(chain);
    const objects: AnchoredObject[] = new Array(names.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < names.length; index = next++) {
        const name = names[index] as string;
        objects[index] = { name, body: await this.read(chain, name) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
    return objects;
  }

  /**
   * The digest with the highest position. S3 lists keys only in ascending order, so this
   * lists every key of the chain (one ListObjectsV2 per 1,000 digests, about 105 requests
   * a year into a 5-minute chain) and reads one object.
   *
   * @throws AppError('storage-unavailable') when S3 fails.
   */
  async latest(chain: SealedChainName): Promise<AnchoredObject | undefined> {
    const name = (await this.names(chain)).filter((n) => DIGEST_NAME.test(n)).at(-1);
    return name ? { name, body: await this.read(chain, name) } : undefined;
  }

  private folder(chain: SealedChainName): string {
    return `${this.cellId}/${chain}/`;
  }

  /** Every object name under the chain's folder (relative to it), sorted. */
  private async names(chain: SealedChainName): Promise<string[]> {
    const prefix = this.folder(chain);
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) names.push(object.Key.slice(prefix.length));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw unavailable('list', error);
    }
    return names.sort();
  }

  private async read(chain: SealedChainName, name: string): Promise<string> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.folder(chain) + name }),
      );
      if (!out.Body) throw new Error('GetObject returned no body');
      return await out.Body.transformToString('utf8');
    } catch (error) {
      throw unavailable('read', error);
    }
  }
}

const unavailable = (what: string, error: unknown): AppError =>
  new AppError('storage-unavailable', `digest anchor ${what} failed`, {}, { cause: error });
