/** Audit tab: the hash-chained log of HIM actions in each selected cell. */
import { field, mount } from '../dom.js';
import { formatTime, plural, words } from '../format.js';
import { FilterError, rangeParams } from '../query.js';
import { h } from '../vnode.js';
import {
  badge,
  dataTable,
  empty,
  failures,
  filterForm,
  loading,
  loadMore,
  pagedRows,
  problemBox,
  timeRangeFields,
} from './common.js';

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
  const pages = pagedRows(ctx, {
    fetch: (cell, cursor) =>
      ctx.api.json(cell, 'audit', { search: rangeParams(filters, { limit: PAGE, cursor }), action: READ }),
    itemsOf: (page) => page.entries,
    timeOf: (entry) => entry.at,
  });
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Audit log'),
    filterForm(
      'Audit filters',
      apply,
      ...timeRangeFields('af'),
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
    if (fresh) mount(resultsEl, loading('Loading the audit log…'));
    const failed = await pages.load(fresh);
    if (!failed) return;
    const rows = pages.rows();
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table(rows) : empty('No audit entries in this range for the selected cells.'),
      loadMore(pages.more(), () => load(false)),
    );
    ctx.announce(`${plural(rows.length, 'audit entry', 'audit entries')} shown`);
  }

  function table(rows) {
    return dataTable(
      'audit-table',
      'Audit entries, newest first',
      ['Time', 'Cell', 'Seq', 'Actor', 'Role', 'Action', 'Target', 'Purpose', 'From', 'Outcome'],
      rows,
      ({ cell, item: entry }) =>
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
          h('td', null, entry.purpose ? words(entry.purpose) : '—'),
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
    );
  }

  return { refresh: () => load(true) };
}
