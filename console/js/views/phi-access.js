/**
 * PHI access tab: every note view of the selected cells, from their audit logs —
 * who opened which note (ids only), from which country, for what purpose, when,
 * and whether it was shown or refused.
 */
import { noteOfTarget } from '../audit-actions.js';
import { field, mount } from '../dom.js';
import { formatTime, noteLabel, plural, words } from '../format.js';
import { auditParams, FilterError, NOTE_VIEW_ACTION, PURPOSES_OF_USE } from '../query.js';
import { h } from '../vnode.js';
import {
  badge,
  dataTable,
  empty,
  failures,
  filterForm,
  labelled,
  loading,
  loadMore,
  pagedRows,
  problemBox,
  select,
  timeRangeFields,
} from './common.js';

const PAGE = 50;
const READ = 'read the audit log';
/** Why a view was refused, in words; the problem code otherwise. */
const REFUSALS = {
  'viewer-country-unknown': 'refused: viewer country unknown',
  'transfer-denied': 'refused: remote access denied',
  forbidden: 'refused: role',
  'not-found': 'no such note',
};

/** Mounts the PHI access tab into `root`. */
export function phiAccessView(root, ctx) {
  let filters = {};
  const pages = pagedRows(ctx, {
    fetch: (cell, cursor, actionId) =>
      ctx.api.json(cell, 'audit', {
        search: auditParams({ ...filters, action: NOTE_VIEW_ACTION }, { limit: PAGE, cursor }),
        action: READ,
        actionId,
      }),
    itemsOf: (page) => page.entries,
    timeOf: (entry) => entry.at,
  });
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'PHI access'),
    h(
      'p',
      { class: 'lead' },
      'Who opened which note, from where and why: every note view the selected cells recorded, shown or refused.',
    ),
    filterForm(
      'PHI access filters',
      apply,
      ...timeRangeFields('pf'),
      labelled('pf-actor', 'Who', h('input', { id: 'pf-actor', name: 'actor', placeholder: 'him:user' })),
      labelled('pf-purpose', 'Purpose', select('pf-purpose', 'purpose', PURPOSES_OF_USE)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');

  function apply(event) {
    event.preventDefault();
    filters = Object.fromEntries(
      ['from', 'to', 'actor', 'purpose'].map((name) => [name, field(formEl, name)]),
    );
    return load(true);
  }

  async function load(fresh) {
    try {
      auditParams(filters);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      formEl.elements.namedItem(error.field)?.focus();
      return;
    }
    if (fresh) mount(resultsEl, loading('Loading note views…'));
    const failed = await pages.load(fresh);
    if (!failed) return;
    const rows = pages.rows();
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table(rows) : empty('No note views match for the selected cells.'),
      loadMore(pages.more(), () => load(false)),
    );
    ctx.announce(`${plural(rows.length, 'note view', 'note views')} shown`);
  }

  function table(rows) {
    return dataTable(
      'phi-access-table',
      'Note views, newest first',
      ['When', 'Cell', 'Who', 'Note', 'From', 'Why', 'Outcome'],
      rows,
      ({ cell, item: entry }) => {
        const note = noteOfTarget(entry.target);
        const shown = entry.outcome === 'ok';
        return h(
          'tr',
          { 'data-outcome': shown ? 'shown' : 'refused' },
          h('td', { class: 'nowrap', title: entry.at }, formatTime(entry.at)),
          h('td', null, cell.id),
          h(
            'td',
            { class: 'phi-who' },
            h('span', { class: 'mono' }, entry.actor ?? '—'),
            h('small', null, entry.role ?? ''),
          ),
          h(
            'td',
            { class: 'mono small', title: entry.target },
            note
              ? `${note.senderId}/${noteLabel(note.noteId, note.version)}${note.event === 'version' ? '' : ` (${note.event})`}`
              : (entry.target ?? '—'),
          ),
          h(
            'td',
            { class: 'phi-from' },
            h('span', { class: 'country' }, entry.viewerCountry ?? 'unknown'),
            h('small', { class: 'mono' }, entry.sourceIp ?? ''),
          ),
          h('td', null, entry.purpose ? words(entry.purpose) : '—'),
          h(
            'td',
            null,
            shown
              ? badge('ok', 'shown')
              : badge('warn', REFUSALS[entry.outcome] ?? `refused: ${words(entry.outcome)}`),
          ),
        );
      },
    );
  }

  return { refresh: () => load(true) };
}
