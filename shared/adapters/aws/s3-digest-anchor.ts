import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
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

/** One version (or delete marker) of an object under a chain's folder. */
interface Listed {
  /** The object name relative to the chain's folder; `name@versionId` for anything but a sole live version. */
  name: string;
  key: string;
  versionId: string | undefined;
  deleted: boolean;
}

/**
 * The AWS digest anchor: one object per digest at `<cell>/<chain>/<12-digit seq>.json`
 * in the cell's digest bucket. Writes are create-once (`If-None-Match: *`) and carry a
 * SHA-256 checksum, which Object Lock requires and S3 checks against the body. No
 * retention is set per object: the bucket's default retention (COMPLIANCE mode, at
 * least six years) applies to every version written, so no one, the account root
 * included, can overwrite or delete a digest version before it expires.
 *
 * Reads list object *versions*, not just current objects: a delete marker hides a
 * digest from a plain listing and would let a later write take its position. Every
 * delete marker and every version beside a key's one live version is returned under
 * `name@versionId`, a name no digest has, so verification and sealing fail closed on it.
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
   * Every object version under the chain's folder with its body, ordered by name. Costs
   * one ListObjectVersions per 1,000 versions plus one GetObject per version: a chain
   * sealed every 5 minutes grows by about 105,000 objects a year, so a full read is for
   * verification and export, not for every request.
   *
   * @throws AppError('storage-unavailable') when S3 fails.
   */
  async list(chain: SealedChainName): Promise<AnchoredObject[]> {
    const listed = await this.versions(chain);
    const objects: AnchoredObject[] = new Array(listed.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < listed.length; index = next++) {
        const version = listed[index] as Listed;
        objects[index] = { name: version.name, body: await this.read(version) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, listed.length) }, worker));
    return objects;
  }

  /**
   * The digest with the highest position, or what hides or replaced it (see the class).
   * S3 lists keys only in ascending order, so this lists every version of the chain (one
   * ListObjectVersions per 1,000, about 105 requests a year into a 5-minute chain) and
   * reads one object.
   *
   * @throws AppError('storage-unavailable') when S3 fails.
   */
  async latest(chain: SealedChainName): Promise<AnchoredObject | undefined> {
    const listed = await this.versions(chain);
    const key = listed
      .map((l) => l.key)
      .filter((k) => DIGEST_NAME.test(k.slice(this.folder(chain).length)))
      .at(-1);
    const versions = listed.filter((l) => l.key === key);
    const chosen = versions.find((l) => l.name.includes('@')) ?? versions[0];
    return chosen ? { name: chosen.name, body: await this.read(chosen) } : undefined;
  }

  private folder(chain: SealedChainName): string {
    return `${this.cellId}/${chain}/`;
  }

  /** Every version and delete marker under the chain's folder, sorted by name. */
  private async versions(chain: SealedChainName): Promise<Listed[]> {
    const prefix = this.folder(chain);
    const found: Array<Omit<Listed, 'name'>> = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectVersionsCommand({
            Bucket: this.bucket,
            Prefix: prefix,
            KeyMarker: keyMarker,
            VersionIdMarker: versionMarker,
          }),
        );
        for (const v of page.Versions ?? [])
          found.push({ key: v.Key ?? '', versionId: v.VersionId, deleted: false });
        for (const m of page.DeleteMarkers ?? [])
          found.push({ key: m.Key ?? '', versionId: m.VersionId, deleted: true });
        [keyMarker, versionMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [];
      } while (keyMarker);
    } catch (error) {
      throw unavailable('list', error);
    }
    const perKey = new Map<string, number>();
    for (const f of found) perKey.set(f.key, (perKey.get(f.key) ?? 0) + 1);
    return found
      .map((f) => {
        const name = f.key.slice(prefix.length);
        const sole = perKey.get(f.key) === 1 && !f.deleted;
        return { ...f, name: sole ? name : `${name}@${f.versionId ?? 'null'}` };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The body of one version; a delete marker has none. */
  private async read(version: Listed): Promise<string> {
    if (version.deleted) return '';
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: version.key, VersionId: version.versionId }),
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
