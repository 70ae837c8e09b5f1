/** Ledger tab: cross-border movements across the selected cells, filters, paging and export. */
import { saveBlob } from '../api.js';
import { field, mount } from '../dom.js';
import { corridorLabel, formatTime, mechanismLabel, noteLabel, plural, words } from '../format.js';
import { DECISIONS, FilterError, ledgerParams, MOVEMENT_KINDS } from '../query.js';
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
  perCell,
  problemBox,
  reviewBadge,
  select,
  timeRangeFields,
} from './common.js';

const PAGE = 50;
const READ = 'read the transfers ledger';
const EXPORT = 'export the transfers ledger';

/** Mounts the ledger tab into `root`; returns `refresh()` for when the cell selection changes. */
export function ledgerView(root, ctx) {
  let filters = {};
  const search = (cursor) => ledgerParams(filters, { limit: PAGE, ...(cursor ? { cursor } : {}) });
  const pages = pagedRows(ctx, {
    fetch: (cell, cursor, actionId) =>
      ctx.api.json(cell, 'ledger', { search: search(cursor), action: READ, actionId }),
    // The API sends each entry's review state beside the sealed records, by position; shown together here.
    itemsOf: (page) =>
      page.entries.map((entry) => ({ ...entry, review: page.reviews?.[`${entry.shard}:${entry.seq}`] })),
    timeOf: (entry) => entry.at,
  });
  const form = filterForm(
    'Ledger filters',
    apply,
    ...timeRangeFields('lf'),
    labelled('lf-kind', 'Kind', select('lf-kind', 'kind', MOVEMENT_KINDS)),
    labelled('lf-decision', 'Decision', select('lf-decision', 'decision', DECISIONS)),
    labelled(
      'lf-corridor',
      'Corridor',
      h('input', { id: 'lf-corridor', name: 'corridor', placeholder: 'us:uk', autocomplete: 'off' }),
    ),
    labelled('lf-note', 'Note id', h('input', { id: 'lf-note', name: 'noteId', autocomplete: 'off' })),
    labelled(
      'lf-patient',
      'Patient identifier',
      h('input', {
        id: 'lf-patient',
        name: 'patient',
        placeholder: 'system|value',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-describedby': 'lf-patient-hint',
      }),
      'Sent to the cell over HTTPS only; never kept in the address bar.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('button', { type: 'reset', onclick: reset }, 'Clear'),
    ),
  );
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Export' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  mount(root, h('h2', { class: 'visually-hidden' }, 'Transfers ledger'), form, toolbar, results);
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');
  const toolbarEl = root.querySelector('.toolbar');

  function readForm() {
    return Object.fromEntries(
      ['from', 'to', 'kind', 'decision', 'corridor', 'noteId', 'patient'].map((n) => [n, field(formEl, n)]),
    );
  }

  function apply(event) {
    event.preventDefault();
    filters = readForm();
    return load(true);
  }

  function reset() {
    filters = {};
    setTimeout(() => load(true));
  }

  async function load(fresh) {
    try {
      search();
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      formEl.elements.namedItem(error.field)?.focus();
      return;
    }
    if (fresh) mount(resultsEl, loading('Loading ledger entries…'));
    const failed = await pages.load(fresh);
    if (!failed) return;
    draw(failed);
    ctx.announce(`${plural(pages.rows().length, 'ledger entry', 'ledger entries')} shown`);
  }

  function draw(failed) {
    const rows = pages.rows();
    const more = pages.more();
    mount(
      toolbarEl,
      h('span', { class: 'count' }, plural(rows.length, 'entry', 'entries'), more ? ' (more available)' : ''),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', onclick: () => exportAs('csv') }, 'Export CSV'),
      h('button', { type: 'button', onclick: () => exportAs('ndjson') }, 'Export NDJSON'),
    );
    mount(
      resultsEl,
      failures(failed),
      rows.length ? table(rows) : empty('No ledger entries match these filters in the selected cells.'),
      loadMore(more, () => load(false)),
    );
  }

  function table(rows) {
    return dataTable(
      'ledger-table',
      'Ledger entries, newest first',
      ['Time', 'Cell', 'Kind', 'Decision', 'Corridor', 'Mechanism', 'Rule', 'Note', 'Review'],
      rows,
      ({ cell, item: entry }) =>
        h(
          'tr',
          { 'data-transfer': entry.transferId, 'data-cell': cell.id, 'data-ref': entry.review?.ref },
          h('td', { class: 'nowrap', title: entry.at }, formatTime(entry.at)),
          h('td', null, cell.id),
          h('td', null, words(entry.kind)),
          h('td', null, badge(entry.decision === 'denied' ? 'bad' : 'ok', entry.decision, entry.reason)),
          h('td', { class: 'nowrap' }, corridorLabel(entry)),
          h('td', null, mechanismLabel(entry.mechanism)),
          h('td', null, entry.ruleId ?? 'built-in guard'),
          h('td', { class: 'mono' }, noteLabel(entry.noteId, entry.noteVersion)),
          h('td', { class: 'review-state' }, reviewBadge(entry.review)),
        ),
    );
  }

  async function exportAs(format) {
    let params;
    try {
      params = ledgerParams(filters, { format });
    } catch (error) {
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      return;
    }
    ctx.announce(`Exporting ${format.toUpperCase()}…`);
    const { ok, failed } = await perCell(ctx.cells(), (cell, actionId) =>
      ctx.api.file(cell, 'ledger/export', { search: params, action: EXPORT, actionId }),
    );
    for (const { value } of ok) saveBlob(value.name, value.blob);
    const rows = pages.rows();
    if (failed.length) mount(resultsEl, failures(failed), rows.length ? table(rows) : null);
    ctx.announce(`${plural(ok.length, 'file', 'files')} exported`);
  }

  return { refresh: () => load(true) };
}
