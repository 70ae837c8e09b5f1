import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../domain/errors.js';
import type { SealedChainName } from '../../domain/seal/digest.js';
import type { AnchoredObject, DigestAnchor } from '../../ports/digest-anchor.js';
import { digestObjectName } from '../../ports/digest-anchor.js';
import { createOnce } from './create-once.js';

const DIGEST_NAME = /^\d{12}\.json$/;

/**
 * The local digest anchor: an append-only folder per cell and chain under the data
 * dir (`<root>/<cell>/<chain>/<12-digit seq>.json`). Files are created once,
 * atomically, read-only (0400); nothing is ever rewritten. It keeps the digests out
 * of the table, as the Object Lock bucket does in AWS; against someone who can also
 * write the data dir it proves less (see docs/ledger.md).
 */
export class FileDigestAnchor implements DigestAnchor {
  readonly location: string;

  constructor(
    private readonly root: string,
    private readonly cell: string,
  ) {
    this.location = join(root, cell);
  }

  async put(chain: SealedChainName, seq: number, body: string): Promise<void> {
    const path = join(this.folder(chain), digestObjectName(seq));
    let created: boolean;
    try {
      created = await createOnce(path, body, 0o400);
    } catch (error) {
      throw new AppError('storage-unavailable', 'digest anchor write failed', {}, { cause: error });
    }
    if (!created) throw new AppError('version-conflict', `a ${chain} digest at seq ${seq} already exists`);
  }

  async list(chain: SealedChainName): Promise<AnchoredObject[]> {
    const names = await this.names(chain);
    return Promise.all(names.map(async (name) => ({ name, body: await this.read(chain, name) })));
  }

  async latest(chain: SealedChainName): Promise<AnchoredObject | undefined> {
    const name = (await this.names(chain)).filter((n) => DIGEST_NAME.test(n)).at(-1);
    return name ? { name, body: await this.read(chain, name) } : undefined;
  }

  private folder(chain: SealedChainName): string {
    return join(this.root, this.cell, chain);
  }

  /** Every visible file name in the chain's folder (temporary files start with a dot), sorted. */
  private async names(chain: SealedChainName): Promise<string[]> {
    try {
      return (await readdir(this.folder(chain))).filter((n) => !n.startsWith('.')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AppError('storage-unavailable', 'digest anchor read failed', {}, { cause: error });
    }
  }

  private async read(chain: SealedChainName, name: string): Promise<string> {
    try {
      return await readFile(join(this.folder(chain), name), 'utf8');
    } catch (error) {
      throw new AppError('storage-unavailable', 'digest anchor read failed', {}, { cause: error });
    }
  }
}
