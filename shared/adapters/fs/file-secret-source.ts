import { readFile } from 'node:fs/promises';
import { type InitialSecret, SecretNotFound, type SecretSource } from '../../ports/secret-source.js';
import { readOrCreate } from './create-once.js';

/**
 * Secrets in files (the local runtime's stand-in for Secrets Manager): the name
 * is the file's path; a missing file is created whole (mode 0600, folder 0700)
 * when `initial` is given. Read at every call: a rotated file needs no restart.
 */
export class FileSecretSource implements SecretSource {
  async read(path: string, initial?: InitialSecret): Promise<Buffer> {
    if (initial) return readOrCreate(path, initial);
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new SecretNotFound(path, { cause: error });
      throw error;
    }
  }
}
