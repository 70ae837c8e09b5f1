/**
 * Legal holds tab (privacy officers): the holds of the selected cells, active and
 * released, a form to place one on a patient or an organisation in one cell, and
 * a release button per active hold. The patient identifier goes to the cell, which
 * keeps only its keyed reference; nothing here stores it.
 */
import { mount } from '../dom.js';
import { formatTime } from '../format.js';
import { h } from '../vnode.js';
import {
  badge,
  cellOptions,
  dataTable,
  labelled,
  problemBox,
  select,
  showNewestAcrossCells,
} from './common.js';

const LIST = 'list legal holds';
const PLACE = 'place a legal hold';
const RELEASE = 'release a legal hold';

/** Mounts the holds tab into `root`. */
export function holdsView(root, ctx) {
  mount(
    root,
    h('h2', { class: 'visually-hidden' }, 'Legal holds'),
    h(
      'p',
      { class: 'lead' },
      'While a hold is active, nothing it covers is deleted by retention or erased. The cell keeps a patient only as its keyed reference.',
    ),
    h(
      'form',
      {
        class: 'filters',
        method: 'post',
        action: '#',
        novalidate: true,
        'aria-label': 'Place a legal hold',
        onsubmit: place,
      },
      labelled('hd-cell', 'Cell', h('select', { id: 'hd-cell', name: 'cell' })),
      labelled('hd-scope', 'On', select('hd-scope', 'scope', ['patient', 'organization'], null)),
      labelled(
        'hd-system',
        'Identifier system',
        h('input', { id: 'hd-system', name: 'system', autocomplete: 'off' }),
      ),
      labelled(
        'hd-value',
        'Identifier value',
        h('input', { id: 'hd-value', name: 'value', autocomplete: 'off' }),
      ),
      labelled(
        'hd-org',
        'Organization id',
        h('input', { id: 'hd-org', name: 'organization', autocomplete: 'off' }),
      ),
      labelled(
        'hd-reason',
        'Reason',
        h('input', {
          id: 'hd-reason',
          name: 'reason',
          maxlength: '200',
          'aria-describedby': 'hd-reason-hint',
        }),
        'A matter or case reference, e.g. Matter LIT-2026-14: no patient details.',
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Place hold')),
    ),
    h('div', { class: 'placed', 'aria-live': 'polite' }),
    h('div', { class: 'results', 'aria-live': 'polite' }),
  );
  const formEl = root.querySelector('form');
  const placedEl = root.querySelector('.placed');
  const resultsEl = root.querySelector('.results');

  async function load() {
    mount(formEl.querySelector('#hd-cell'), cellOptions(ctx.cells()));
    await showNewestAcrossCells(ctx, resultsEl, {
      path: 'holds',
      action: LIST,
      itemsOf: (value) => value.holds,
      timeOf: (hold) => hold.placedAt,
      loadingText: 'Loading legal holds…',
      emptyText: 'No legal holds in the selected cells.',
      shown: (n) => `${n} legal ${n === 1 ? 'hold' : 'holds'} shown`,
      table,
    });
  }

  async function place(event) {
    event.preventDefault();
    const form = new FormData(formEl);
    const cell = ctx.cells().find((c) => c.id === form.get('cell'));
    if (!cell) return;
    const scope = form.get('scope');
    const body =
      scope === 'organization'
        ? {
            scope,
            organization: String(form.get('organization') ?? ''),
            reason: String(form.get('reason') ?? ''),
          }
        : {
            scope: 'patient',
            patient: { system: String(form.get('system') ?? ''), value: String(form.get('value') ?? '') },
            reason: String(form.get('reason') ?? ''),
          };
    try {
      const hold = await ctx.api.json(cell, 'holds', { method: 'POST', body, action: PLACE });
      formEl.reset();
      mount(placedEl, h('p', { class: 'notice success', role: 'status' }, `Hold placed in ${cell.name}.`));
      ctx.announce(`Legal hold ${hold.holdId} placed in ${cell.name}`);
      await load();
    } catch (error) {
      mount(placedEl, problemBox(error, cell.name));
    }
  }

  async function release(cell, hold) {
    try {
      await ctx.api.json(cell, `holds/${encodeURIComponent(hold.holdId)}/release`, {
        method: 'POST',
        action: RELEASE,
      });
      ctx.announce(`Legal hold released in ${cell.name}`);
      await load();
    } catch (error) {
      mount(placedEl, problemBox(error, cell.name));
    }
  }

  function table(rows) {
    return dataTable(
      'holds-table',
      'Legal holds, newest first',
      ['Placed', 'Cell', 'On', 'Subject', 'Reason', 'By', 'State'],
      rows,
      ({ cell, item: hold }) =>
        h(
          'tr',
          { 'data-state': hold.releasedAt ? 'released' : 'active' },
          h('td', { class: 'nowrap', title: hold.placedAt }, formatTime(hold.placedAt)),
          h('td', null, cell.id),
          h('td', null, hold.scope),
          h('td', { class: 'mono small' }, hold.subject),
          h('td', null, hold.reason),
          h('td', { class: 'mono' }, hold.placedBy),
          h(
            'td',
            null,
            hold.releasedAt
              ? badge('neutral', 'released', `${hold.releasedBy} at ${hold.releasedAt}`)
              : h(
                  'span',
                  null,
                  badge('warn', 'active'),
                  ' ',
                  h(
                    'button',
                    {
                      type: 'button',
                      onclick: () => release(cell, hold),
                      'aria-label': `Release hold ${hold.holdId} in ${cell.name}`,
                    },
                    'Release',
                  ),
                ),
          ),
        ),
    );
  }

  return { refresh: load };
}
