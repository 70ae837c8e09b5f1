import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as z from 'zod';
import { SEALED_CHAINS } from '../../shared/domain/seal/digest.js';
import { cannotCreate } from './files.js';

/** The files of an export bundle besides `manifest.json`, each listed in it with its SHA-256. */
export const BUNDLE_FILES = ['records.ndjson', 'digests.ndjson', 'public-key.pem'] as const;
/** The bundle's table of contents, written last: a folder without it is an incomplete bundle. */
export const MANIFEST_FILE = 'manifest.json';

const FileEntry = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.int().min(0) });

/** `manifest.json`: what a bundle holds, where it came from, and each file's SHA-256 (not signed: the digests are). */
export const BundleManifestSchema = z.strictObject({
  format: z.literal('visitbridge-export-bundle/1'),
  chain: z.enum(SEALED_CHAINS),
  cell: z.string().min(1),
  exportedAt: z.string(),
  source: z.string(),
  keyId: z.string(),
  counts: z.strictObject({ records: z.int().min(0), digests: z.int().min(0) }),
  files: z.strictObject({
    'records.ndjson': FileEntry,
    'digests.ndjson': FileEntry,
    'public-key.pem': FileEntry,
  }),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** A new file (mode 0600, never overwriting) whose SHA-256 and size are computed as it is written. */
export class HashedFile {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  private constructor(
    readonly path: string,
    private readonly stream: ReturnType<typeof createWriteStream>,
  ) {}

  /** @throws UsageError when the file exists or cannot be created. */
  static async create(path: string): Promise<HashedFile> {
    const stream = createWriteStream(path, { mode: 0o600, flags: 'wx' });
    try {
      await once(stream, 'open');
    } catch (error) {
      throw cannotCreate(path, error);
    }
    return new HashedFile(path, stream);
  }

  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Closes the file and returns what the manifest records of it. */
  async close(): Promise<{ sha256: string; bytes: number }> {
    this.stream.end();
    await once(this.stream, 'close');
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  /** Closes and deletes the file: what a failed export leaves behind is nothing. */
  async discard(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.end();
      await once(this.stream, 'close').catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }
}
