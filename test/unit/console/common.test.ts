import { loadConsoleModule, type VNode } from './load.js';

interface Cell {
  id: string;
  name: string;
}
interface CommonModule {
  newestFirst<T>(
    ok: Array<{ cell: Cell; value: { items: T[] } }>,
    itemsOf: (value: { items: T[] }) => T[],
    timeOf: (item: T) => string,
  ): Array<{ cell: Cell; item: T }>;
  cellOptions(cells: Cell[]): VNode[];
}

const common = await loadConsoleModule<CommonModule>('views/common.js');
const UK = { id: 'uk', name: 'United Kingdom' };
const EU = { id: 'eu', name: 'European Union / EEA' };

describe('console views: shared pieces', () => {
  it('merges every cell’s items newest first, each with its cell', () => {
    // Prepare
    const ok = [
      {
        cell: UK,
        value: { items: [{ at: '2026-11-30T10:00:00.000Z' }, { at: '2026-11-28T10:00:00.000Z' }] },
      },
      { cell: EU, value: { items: [{ at: '2026-11-29T10:00:00.000Z' }] } },
    ];
    // Act
    const rows = common.newestFirst(
      ok,
      (value) => value.items,
      (item) => item.at,
    );
    // Assess
    expect(rows.map((r) => `${r.cell.id} ${r.item.at.slice(0, 10)}`)).toEqual([
      'uk 2026-11-30',
      'eu 2026-11-29',
      'uk 2026-11-28',
    ]);
  });

  it('offers one option per cell, by id, named as the policy names it', () => {
    expect(common.cellOptions([UK, EU])).toEqual([
      { tag: 'option', attrs: { value: 'uk' }, children: ['United Kingdom'] },
      { tag: 'option', attrs: { value: 'eu' }, children: ['European Union / EEA'] },
    ]);
  });
});
