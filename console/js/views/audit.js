/**
 * Audit tab: the hash-chained log of HIM actions of the selected cells, one row per
 * action (one action id), listing the cells it reached.
 */
import { groupByAction } from '../audit-actions.js';
import { mount } from '../dom.js';
import { formatTime, plural, words } from '../format.js';
import { HIM_ROLES, PURPOSES_OF_USE } from '../query.js';
import { h } from '../vnode.js';
import { auditReader } from './audit-reader.js';
import { badge, dataTable, empty, filterForm, labelled, select, timeRangeFields } from './common.js';

const FILTERS = ['from', 'to', 'actor', 'role', 'action', 'target', 'purpose', 'actionId'];

const outcomeTone = (outcome) => (outcome === 'ok' ? 'ok' : 'warn');

/** The outcome of an action: one badge when every cell ended alike, else one per cell. */
function outcomeCell(outcomes) {
  const distinct = [...new Set(outcomes.map((o) => o.outcome))];
  if (distinct.length === 1) return badge(outcomeTone(distinct[0]), distinct[0]);
  return outcomes.map((o) => [badge(outcomeTone(o.outcome), `${o.cell}: ${o.outcome}`), ' ']);
}

/** Mounts the audit tab into `root`. */
export function auditView(root, ctx) {
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Audit log'),
    filterForm(
      'Audit filters',
      (event) => reader.apply(event),
      ...timeRangeFields('af'),
      labelled('af-actor', 'Actor', h('input', { id: 'af-actor', name: 'actor', placeholder: 'him:user' })),
      labelled('af-role', 'Role', select('af-role', 'role', HIM_ROLES)),
      labelled(
        'af-action',
        'Action',
        h('input', { id: 'af-action', name: 'action', placeholder: 'notes.view' }),
      ),
      labelled(
        'af-target',
        'Target starts with',
        h('input', { id: 'af-target', name: 'target', placeholder: 'note:sender/note' }),
      ),
      labelled('af-purpose', 'Purpose', select('af-purpose', 'purpose', PURPOSES_OF_USE)),
      labelled('af-action-id', 'Action id', h('input', { id: 'af-action-id', name: 'actionId' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const reader = auditReader(ctx, {
    formEl: root.querySelector('form'),
    resultsEl: root.querySelector('.results'),
    fields: FILTERS,
    loadingText: 'Loading the audit log…',
    present: (rows) => {
      const actions = groupByAction(
        rows,
        ctx.cells().map((c) => c.id),
      );
      return {
        content: actions.length ? table(actions) : empty('No audit entries match for the selected cells.'),
        announce: `${plural(actions.length, 'HIM action', 'HIM actions')} shown`,
      };
    },
  });

  function table(actions) {
    return dataTable(
      'audit-table',
      'HIM actions, newest first: one row per action, with the cells it reached',
      ['Time', 'Cells', 'Actor', 'Role', 'Action', 'Target', 'Purpose', 'From', 'Outcome', 'Action id'],
      actions,
      (a) =>
        h(
          'tr',
          { 'data-action-id': a.actionId ?? '', 'data-cells': a.cells.join(' ') },
          h('td', { class: 'nowrap', title: a.at }, formatTime(a.at)),
          h(
            'td',
            {
              class: 'audit-cells',
              title: a.entries.map((e) => `${e.cell.id} seq ${e.entry.seq}`).join('\n'),
            },
            a.cells.join(', '),
          ),
          h('td', { class: 'mono' }, a.actor || '—'),
          h('td', { class: 'nowrap' }, a.role || '—'),
          h('td', null, words(a.action)),
          h('td', { class: 'mono small' }, a.target || '—'),
          h('td', null, a.purpose ? words(a.purpose) : '—'),
          h('td', { class: 'mono' }, a.sourceIp || '—'),
          h('td', null, outcomeCell(a.outcomes)),
          h(
            'td',
            { class: 'mono small', title: a.actionId ?? 'recorded before action ids' },
            a.actionId ? a.actionId.slice(0, 8) : '—',
          ),
        ),
    );
  }

  return { refresh: reader.refresh };
}
