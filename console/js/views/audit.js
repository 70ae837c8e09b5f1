/** Audit tab: the hash-chained log of HIM actions in each selected cell. */
import { field, mount } from '../dom.js';
import { formatTime, plural, words } from '../format.js';
import { FilterError, rangeParams } from '../query.js';
import { h } from '../vnode.js';
import { badge, empty, failures, labelled, loading, perCell, problemBox } from './common.js';

const PAGE = 50;
const READ = 'read the audit log';

/** Target ids of an audit entry as `key=value` pairs (ids only, never PHI). */
function targetLabel(target) {
  if (!target || typeof target !== 'object') return target ? String(target) : '—';
  const parts = Object.entries(target).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : '—';
}

/** Mounts the audit tab into `root`. */
export function auditView(root, ctx) {
  let filters = {};
  let rows = [];
  let cursors = new Map();
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Audit log'),
    h(
      'form',
      {
        class: 'filters',
        method: 'post',
        action: '#',
        novalidate: true,
        'aria-label': 'Audit filters',
        onsubmit: apply,
      },
      labelled('af-from', 'From (UTC)', h('input', { id: 'af-from', name: 'from', type: 'datetime-local' })),
      labelled('af-to', 'To (UTC)', h('input', { id: 'af-to', name: 'to', type: 'datetime-local' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');

  function apply(event) {
    event.preventDefault();
    filters = { from: field(formEl, 'from'), to: field(formEl, 'to') };
    return load(true);
  }

  async function load(fresh) {
    try {
      rangeParams(filters);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      mount(resultsEl, problemBox({ title: 'Check the range', detail: error.message }));
      return;
    }
    const cells = fresh ? ctx.cells() : ctx.cells().filter((c) => cursors.get(c.id));
    if (fresh) {
      rows = [];
      cursors = new Map();
      mount(resultsEl, loading('Loading the audit log…'));
    }
    const { ok, failed } = await perCell(cells, (cell) =>
      ctx.api.json(cell, 'audit', {
        search: rangeParams(filters, { limit: PAGE, cursor: cursors.get(cell.id) }),
        action: READ,
      }),
    );
    for (const { cell, value } of ok) {
      rows.push(...(value.entries ?? []).map((entry) => ({ cell, entry })));
      cursors.set(cell.id, value.nextCursor);
    }
    rows.sort((a, b) => String(b.entry.at).localeCompare(String(a.entry.at)));
    const more = [...cursors.values()].some(Boolean);
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table() : empty('No audit entries in this range for the selected cells.'),
      more
        ? h(
            'div',
            { class: 'more' },
            h('button', { type: 'button', onclick: () => load(false) }, 'Load more'),
          )
        : null,
    );
    ctx.announce(`${plural(rows.length, 'audit entry', 'audit entries')} shown`);
  }

  function table() {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table', id: 'audit-table' },
        h('caption', { class: 'visually-hidden' }, 'Audit entries, newest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Time', 'Cell', 'Seq', 'Actor', 'Role', 'Action', 'Target', 'From', 'Outcome'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map(({ cell, entry }) =>
            h(
              'tr',
              null,
              h('td', { class: 'nowrap', title: entry.at }, formatTime(entry.at)),
              h('td', null, cell.id),
              h('td', { class: 'num' }, entry.seq ?? '—'),
              h('td', { class: 'mono' }, entry.actor ?? '—'),
              h(
                'td',
                { class: 'nowrap' },
                Array.isArray(entry.role) ? entry.role.join(', ') : (entry.role ?? '—'),
              ),
              h('td', null, words(entry.action)),
              h('td', { class: 'mono small' }, targetLabel(entry.target)),
              h('td', { class: 'mono' }, entry.sourceIp ?? '—'),
              h(
                'td',
                null,
                badge(
                  /^(ok|allowed|success|2\d\d)$/.test(String(entry.outcome)) ? 'ok' : 'warn',
                  String(entry.outcome ?? '—'),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  return { refresh: () => load(true) };
}
