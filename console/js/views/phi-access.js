/**
 * PHI access tab: every note view of the selected cells, from their audit logs —
 * who opened which note (ids only), from which country, for what purpose, when,
 * and whether it was shown or refused.
 */
import { noteOfTarget } from '../audit-actions.js';
import { mount } from '../dom.js';
import { formatTime, noteLabel, plural, words } from '../format.js';
import { NOTE_VIEW_ACTION, PURPOSES_OF_USE } from '../query.js';
import { h } from '../vnode.js';
import { auditReader } from './audit-reader.js';
import { badge, dataTable, empty, filterForm, labelled, select, timeRangeFields } from './common.js';

/** Why a view was refused, in words; the problem code otherwise. */
const REFUSALS = {
  'viewer-country-unknown': 'refused: viewer country unknown',
  'transfer-denied': 'refused: remote access denied',
  forbidden: 'refused: role',
  'not-found': 'no such note',
};

/** Mounts the PHI access tab into `root`. */
export function phiAccessView(root, ctx) {
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
      (event) => reader.apply(event),
      ...timeRangeFields('pf'),
      labelled('pf-actor', 'Who', h('input', { id: 'pf-actor', name: 'actor', placeholder: 'him:user' })),
      labelled('pf-purpose', 'Purpose', select('pf-purpose', 'purpose', PURPOSES_OF_USE)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')),
    ),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const reader = auditReader(ctx, {
    formEl: root.querySelector('form'),
    resultsEl: root.querySelector('.results'),
    fields: ['from', 'to', 'actor', 'purpose'],
    fixed: { action: NOTE_VIEW_ACTION },
    loadingText: 'Loading note views…',
    present: (rows) => ({
      content: rows.length ? table(rows) : empty('No note views match for the selected cells.'),
      announce: `${plural(rows.length, 'note view', 'note views')} shown`,
    }),
  });

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
            h('small', { class: 'phi-sub' }, entry.role ?? ''),
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
            h('small', { class: 'mono phi-sub' }, entry.sourceIp ?? ''),
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

  return { refresh: reader.refresh };
}
