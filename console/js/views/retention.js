/**
 * Retention tab (HIM reviewers and privacy officers): the retention runs of the
 * selected cells, newest first, with what each deleted, kept under a legal hold and
 * kept on purpose per record class, and how many notes it read. Privacy officers
 * can start a run in one cell now. Reports hold counts only: no patient data.
 */
import { mount } from '../dom.js';
import { formatTime } from '../format.js';
import { h } from '../vnode.js';
import { cellOptions, dataTable, labelled, problemBox, showNewestAcrossCells } from './common.js';

const LIST = 'list retention runs';
const RUN = 'start a retention run';
/** The record classes a report counts, in the order the policy lists them, with their labels. */
const CLASSES = [
  ['noteAfterDelivery', 'Delivered notes'],
  ['parkedNote', 'Parked notes'],
  ['outboxHistory', 'Delivery history'],
  ['ledger', 'Ledger'],
  ['audit', 'Audit log'],
];

/** Mounts the retention tab into `root`. */
export function retentionView(root, ctx) {
  const officer = ctx.can?.('privacy-officer');
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Retention'),
    h(
      'p',
      { class: 'lead' },
      'Each cell deletes what its retention schedule lets go once a day. Ledger and audit entries are counted, never deleted; nothing a legal hold covers is deleted.',
    ),
    officer
      ? h(
          'form',
          {
            class: 'filters',
            method: 'post',
            action: '#',
            novalidate: true,
            'aria-label': 'Start a retention run',
            onsubmit: start,
          },
          labelled('rt-cell', 'Cell', h('select', { id: 'rt-cell', name: 'cell' })),
          h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Run now')),
        )
      : null,
    h('div', { class: 'started', 'aria-live': 'polite' }),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const startedEl = root.querySelector('.started');
  const resultsEl = root.querySelector('.results');

  async function load() {
    if (formEl) mount(formEl.querySelector('#rt-cell'), cellOptions(ctx.cells()));
    await showNewestAcrossCells(ctx, resultsEl, {
      path: 'retention/runs?limit=20',
      action: LIST,
      itemsOf: (value) => value.runs,
      timeOf: (run) => run.at,
      loadingText: 'Loading retention runs…',
      emptyText: 'No retention runs in the selected cells yet.',
      shown: (n) => `${n} retention ${n === 1 ? 'run' : 'runs'} shown`,
      table,
    });
  }

  async function start(event) {
    event.preventDefault();
    const cell = ctx.cells().find((c) => c.id === new FormData(formEl).get('cell'));
    if (!cell) return;
    try {
      await ctx.api.json(cell, 'retention/run', { method: 'POST', action: RUN });
      mount(
        startedEl,
        h('p', { class: 'notice success', role: 'status' }, `Retention run started in ${cell.name}.`),
      );
      ctx.announce(`Retention run started in ${cell.name}`);
      ctx.dataChanged?.();
      await load();
    } catch (error) {
      mount(startedEl, problemBox(error, cell.name));
    }
  }

  /** "deleted / held / kept" of one class, or a dash for a class the run does not count. */
  const counts = (run, recordClass) => {
    const c = run.classes[recordClass];
    if (!c || run.uncounted.includes(recordClass)) return h('td', null, '—');
    return h(
      'td',
      {
        class: 'nowrap',
        'data-class': recordClass,
        title: `${c.deleted} deleted, ${c.held} held, ${c.eligibleNotDeleted} kept on purpose`,
      },
      `${c.deleted} / ${c.held} / ${c.eligibleNotDeleted}`,
    );
  };

  function table(rows) {
    return h(
      'div',
      null,
      h(
        'p',
        { class: 'small' },
        'Per record class: deleted / kept under a legal hold / kept on purpose (past their period). Notes read: the run’s cost.',
      ),
      dataTable(
        'retention-table',
        'Retention runs, newest first',
        ['At', 'Cell', 'Started by', ...CLASSES.map(([, label]) => label), 'Notes read', 'Left for next run'],
        rows,
        ({ cell, item: run }) =>
          h(
            'tr',
            { 'data-cell': cell.id },
            h('td', { class: 'nowrap', title: run.at }, formatTime(run.at)),
            h('td', null, cell.id),
            h('td', { class: 'mono' }, run.trigger),
            CLASSES.map(([recordClass]) => counts(run, recordClass)),
            h('td', { 'data-field': 'notesRead' }, run.notesRead === undefined ? '—' : String(run.notesRead)),
            h('td', null, String(run.skippedNotes)),
          ),
      ),
    );
  }

  return { refresh: load };
}
