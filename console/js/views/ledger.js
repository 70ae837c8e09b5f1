/** Ledger tab: cross-border movements across the selected cells, filters, paging and export. */
import { saveBlob } from '../api.js';
import { field, mount } from '../dom.js';
import { ExportMergeError, exportFilename, exportSummary, exportType, mergeExports } from '../export.js';
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
  noneAnswered,
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
  const exportStatus = h('div', { class: 'export-status' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Transfers ledger'),
    form,
    toolbar,
    exportStatus,
    results,
  );
  const formEl = root.querySelector('form');
  const resultsEl = root.querySelector('.results');
  const toolbarEl = root.querySelector('.toolbar');
  const exportEl = root.querySelector('.export-status');

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
      // Nothing from an earlier query stays on screen, nor lands there later.
      pages.reset();
      mount(toolbarEl);
      mount(exportEl);
      mount(resultsEl, problemBox({ title: 'Check the filters', detail: error.message }));
      formEl.elements.namedItem(error.field)?.focus();
      ctx.announce(`Check the filters: ${error.message}`);
      return;
    }
    if (fresh) {
      mount(toolbarEl);
      mount(exportEl);
      mount(resultsEl, loading('Loading ledger entries…'));
    }
    const failed = await pages.load(fresh);
    if (!failed) return;
    draw(failed, fresh && noneAnswered(ctx.cells(), failed));
  }

  /** The rows read so far; when no cell answered, only the problems (no count, no "none match"). */
  function draw(failed, nothing) {
    if (nothing) {
      mount(toolbarEl);
      mount(resultsEl, failures(failed));
      ctx.announce('No cell answered');
      return;
    }
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
    ctx.announce(`${plural(rows.length, 'ledger entry', 'ledger entries')} shown`);
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

  /**
   * One file across the selected cells (a `cell` column or field), saved only when
   * some cell has entries; the notice says what was saved from where and what failed.
   */
  async function exportAs(format) {
    let params;
    try {
      params = ledgerParams(filters, { format });
    } catch (error) {
      mount(exportEl, problemBox({ title: 'Check the filters', detail: error.message }));
      return;
    }
    mount(exportEl, loading(`Exporting ${format.toUpperCase()}…`));
    const cells = ctx.cells();
    const { ok, failed } = await perCell(cells, async (cell, actionId) => {
      const file = await ctx.api.file(cell, 'ledger/export', { search: params, action: EXPORT, actionId });
      return file.blob.text();
    });
    let merged;
    try {
      // In the cell picker's order, not the order the cells happened to answer in.
      const texts = new Map(ok.map(({ cell, value }) => [cell.id, value]));
      merged = mergeExports(
        format,
        cells.filter((c) => texts.has(c.id)).map((c) => ({ cell: c.id, text: texts.get(c.id) })),
      );
    } catch (error) {
      if (!(error instanceof ExportMergeError)) throw error;
      mount(exportEl, failures(failed), problemBox({ title: 'Export not saved', detail: error.message }));
      ctx.announce(`Export not saved: ${error.message}`);
      return;
    }
    const filename = merged.total
      ? exportFilename({
          from: params.get('from') ?? '',
          to: params.get('to') ?? '',
          format,
          today: new Date().toISOString(),
        })
      : '';
    if (merged.total) saveBlob(filename, new Blob([merged.text], { type: exportType(format) }));
    const summary = exportSummary(
      merged,
      filename,
      failed.map((f) => f.cell.id),
    );
    mount(
      exportEl,
      ok.length
        ? h('p', { class: `notice ${merged.total ? 'success' : 'info'}`, role: 'status' }, summary)
        : null,
      failures(failed),
    );
    ctx.announce(summary);
  }

  return { refresh: () => load(true) };
}
