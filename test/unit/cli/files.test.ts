import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedFile } from '../../../infra/cli/bundle-files.js';
import { writeNew } from '../../../infra/cli/files.js';
import { UsageError } from '../../../infra/cli/http.js';

describe('CLI output files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vb-cli-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a new file 0600 in a folder it creates, and never overwrites one', async () => {
    const path = join(dir, 'pack', 'report.json');
    await writeNew(path, Buffer.from('first'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = writeNew(path, Buffer.from('second'));
    await expect(again).rejects.toThrow(UsageError);
    await expect(again).rejects.toThrow(`${path} exists: name a new or empty --out folder`);
    expect(await readFile(path, 'utf8')).toBe('first');
  });

  it('refuses a bundle file that already exists with the same message, leaving it as it was', async () => {
    const path = join(dir, 'records.ndjson');
    await writeFile(path, 'kept');
    const created = HashedFile.create(path);
    await expect(created).rejects.toThrow(UsageError);
    await expect(created).rejects.toThrow(`${path} exists: name a new or empty --out folder`);
    expect(await readFile(path, 'utf8')).toBe('kept');
  });

  it('names the system error when a file cannot be created for another reason', async () => {
    const path = join(dir, 'missing-folder', 'records.ndjson');
    await expect(HashedFile.create(path)).rejects.toThrow(`cannot create ${path}: ENOENT`);
  });
});
