import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnce, readOrCreate } from '../../../shared/adapters/fs/create-once.js';

const freshDir = () => mkdtemp(join(tmpdir(), 'vb-once-'));
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('createOnce', () => {
  it('creates a file once and never replaces it', async () => {
    const path = join(await freshDir(), 'a.json');
    expect(await createOnce(path, 'first')).toBe(true);
    expect(await createOnce(path, 'second')).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('first');
  });

  it('gives the file its mode (0600 by default) and new folders 0700', async () => {
    const root = await freshDir();
    const plain = join(root, 'new', 'deeper', 'plain');
    const sealed = join(root, 'new', 'deeper', 'sealed');
    await createOnce(plain, 'x');
    await createOnce(sealed, 'y', 0o400);
    expect(await modeOf(plain)).toBe(0o600);
    expect(await modeOf(sealed)).toBe(0o400);
    expect(await modeOf(join(root, 'new'))).toBe(0o700);
    expect(await modeOf(join(root, 'new', 'deeper'))).toBe(0o700);
  });

  it('lets exactly one of many concurrent writers win, and leaves no temporary file', async () => {
    const dir = await freshDir();
    const path = join(dir, 'digest.json');
    const contents = Array.from({ length: 20 }, (_, i) => `writer ${i}`);
    const won = await Promise.all(contents.map((c) => createOnce(path, c)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await readFile(path, 'utf8')).toBe(contents[won.indexOf(true)]);
    expect(await readdir(dir)).toEqual(['digest.json']);
  });

  it('never shows a reader partial content while writers race', async () => {
    const path = join(await freshDir(), 'big.json');
    const contents = Array.from({ length: 4 }, (_, i) => String(i).repeat(4 * 1024 * 1024));
    let writing = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        if (text !== undefined) seen.push(text.length === contents[0]?.length ? text.slice(0, 1) : 'partial');
      }
    })();
    const won = await Promise.all(contents.map((c) => createOnce(path, c)));
    writing = false;
    await reader;
    const winner = String(won.indexOf(true));
    expect(new Set(seen)).toEqual(new Set(seen.length > 0 ? [winner] : []));
    expect((await readFile(path, 'utf8')).slice(0, 1)).toBe(winner);
  });
});

describe('readOrCreate', () => {
  it('gives every concurrent caller the same content', async () => {
    const path = join(await freshDir(), 'key.pem');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => readOrCreate(path, () => randomUUID())),
    );
    expect(new Set(results.map((b) => b.toString())).size).toBe(1);
    expect((await readOrCreate(path, () => 'never')).toString()).toBe(results[0]?.toString());
    expect(await modeOf(path)).toBe(0o600);
  });
});
