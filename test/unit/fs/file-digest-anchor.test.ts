import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDigestAnchor } from '../../../shared/adapters/fs/file-digest-anchor.js';

async function anchor() {
  const root = await mkdtemp(join(tmpdir(), 'vb-anchor-'));
  return { root, folder: join(root, 'uk', 'ledger'), anchor: new FileDigestAnchor(root, 'uk') };
}

describe('FileDigestAnchor', () => {
  it('stores each position once, read-only in a private folder, and reports a second write as a conflict', async () => {
    const { anchor: a, folder } = await anchor();
    await a.put('ledger', 1, '{"seq":1}');
    await expect(a.put('ledger', 1, '{"seq":"forged"}')).rejects.toMatchObject({ code: 'version-conflict' });
    expect(await a.list('ledger')).toEqual([{ name: '000000000001.json', body: '{"seq":1}' }]);
    expect((await stat(join(folder, '000000000001.json'))).mode & 0o777).toBe(0o400);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
  });

  it('lets one of several concurrent writers of a position win', async () => {
    const { anchor: a } = await anchor();
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((i) => a.put('ledger', 7, `{"writer":${i}}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'version-conflict' });
    }
  });

  it('lists in position order whatever order digests were written in, and keeps chains and cells apart', async () => {
    const { root, anchor: a } = await anchor();
    for (const seq of [3, 1, 12, 2]) await a.put('ledger', seq, `ledger ${seq}`);
    await a.put('audit', 1, 'audit 1');
    await new FileDigestAnchor(root, 'us').put('ledger', 5, 'us 5');
    expect((await a.list('ledger')).map((o) => o.body)).toEqual([
      'ledger 1',
      'ledger 2',
      'ledger 3',
      'ledger 12',
    ]);
    expect(await a.list('audit')).toEqual([{ name: '000000000001.json', body: 'audit 1' }]);
    expect(await a.latest('ledger')).toEqual({ name: '000000000012.json', body: 'ledger 12' });
  });

  it('lists unknown files, so verification can reject them, but never links to them', async () => {
    const { anchor: a, folder } = await anchor();
    await a.put('ledger', 1, 'ledger 1');
    await writeFile(join(folder, 'zz-notes.json'), 'planted');
    await writeFile(join(folder, '2.json'), 'planted');
    expect((await a.list('ledger')).map((o) => o.name)).toEqual([
      '000000000001.json',
      '2.json',
      'zz-notes.json',
    ]);
    expect(await a.latest('ledger')).toEqual({ name: '000000000001.json', body: 'ledger 1' });
  });

  it('is empty before the first digest', async () => {
    const { anchor: a } = await anchor();
    expect(await a.list('ledger')).toEqual([]);
    expect(await a.latest('ledger')).toBeUndefined();
  });

  it('fails closed when an entry cannot be read', async () => {
    const { anchor: a, folder } = await anchor();
    await a.put('ledger', 1, 'ledger 1');
    await mkdir(join(folder, '000000000002.json'));
    await expect(a.list('ledger')).rejects.toMatchObject({ code: 'storage-unavailable' });
    await expect(a.latest('ledger')).rejects.toMatchObject({ code: 'storage-unavailable' });
    expect(await readFile(join(folder, '000000000001.json'), 'utf8')).toBe('ledger 1');
  });
});
