/** The corridor matrix: from → to counts of allowed and denied movements, as data and as a table node. */
import { h } from './vnode.js';

/** From → to counts: `{ sources, destinations, cell(from, to) → { allowed, denied } }`. */
export function corridorMatrix(rows) {
  const cells = new Map();
  for (const row of rows) {
    const key = `${row.from}\u0000${row.to}`;
    const cell = cells.get(key) ?? { allowed: 0, denied: 0 };
    cell[row.decision === 'denied' ? 'denied' : 'allowed'] += row.count;
    cells.set(key, cell);
  }
  return {
    sources: [...new Set(rows.map((r) => r.from))].sort(),
    destinations: [...new Set(rows.map((r) => r.to))].sort(),
    cell: (from, to) => cells.get(`${from}\u0000${to}`) ?? { allowed: 0, denied: 0 },
  };
}

/** The matrix as a table node: rows are sources, columns destinations; a pair without movements says `none`. */
export function matrixTable(matrix) {
  return h(
    'table',
    { class: 'data-table matrix' },
    h('caption', { class: 'visually-hidden' }, 'Corridor matrix: movements from (rows) to (columns)'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'from \\ to'),
        matrix.destinations.map((d) => h('th', { scope: 'col' }, d)),
      ),
    ),
    h(
      'tbody',
      null,
      matrix.sources.map((from) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, from),
          matrix.destinations.map((to) => {
            const { allowed, denied } = matrix.cell(from, to);
            if (!allowed && !denied)
              return h('td', { class: 'num empty', title: `No movements from ${from} to ${to}` }, 'none');
            return h(
              'td',
              { class: 'num' },
              h('span', { class: 'allowed-count' }, allowed),
              denied ? h('span', { class: 'denied-count' }, ` · ${denied} denied`) : null,
            );
          }),
        ),
      ),
    ),
  );
}
