import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders of the data folder that hold keys, positions and given-up records. */
const PRIVATE_FOLDERS = ['keys', 'streams', 'dlq'] as const;

/**
 * Creates the data folder (0700 when new) and its private folders, each 0700
 * even when an earlier run left it wider. The files in them are created 0600
 * by their writers; DynamoDB Local's folder is made private where it starts.
 * An existing data folder keeps its mode: it may be a folder the user chose.
 *
 * @throws the file system error when a folder cannot be created or restricted.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  for (const name of PRIVATE_FOLDERS) {
    const folder = join(dataDir, name);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
  }
}
